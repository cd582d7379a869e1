"""The password's part of the User response, `{password_id, requires_reset}` (the hash itself never
leaves the passwords package)."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.factors.passwords.models import UserPassword
from keystile.identity.profile import ProfilePart, Row
from keystile.identity.views import UserView


@dataclass(frozen=True)
class PasswordSummary:
    password_id: str
    requires_reset: bool


def requires_reset(flagged: bool, email_verified_when_set: bool, email_verified: bool) -> bool:
    """Flagged for reset, or set on an address someone has verified only since (Stytch's rule against
    pre-hijacked accounts: whoever proved the address must choose the password)."""
    return flagged or (email_verified and not email_verified_when_set)


def _summary(rows: list[Row], view: UserView) -> PasswordSummary | None:
    if not rows:
        return None
    [(password_id, flagged, verified_when_set)] = rows
    email_verified = bool(view.emails) and view.emails[0].verified
    return PasswordSummary(
        password_id, requires_reset(bool(flagged), bool(verified_when_set), email_verified)
    )


PASSWORD = ProfilePart(
    "password", UserPassword, ("password_id", "requires_reset", "email_verified_when_set"), _summary
)
