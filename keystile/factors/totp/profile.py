"""The TOTP part of the User response: the `totps` list of `{totp_id, verified}` (the secret never
leaves the TOTP package)."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.factors.totp.models import Totp
from keystile.factors.totp.repository import listed
from keystile.identity.profile import ProfilePart, Row
from keystile.identity.views import UserView


@dataclass(frozen=True)
class TotpSummary:
    totp_id: str
    verified: bool


def _summaries(rows: list[Row], view: UserView) -> list[TotpSummary]:
    """The user's registrations, oldest first."""
    ordered = sorted(rows, key=lambda row: (row[2], row[0]))
    return [TotpSummary(totp_id, bool(verified)) for totp_id, verified, _ in ordered]


TOTPS = ProfilePart("totps", Totp, ("totp_id", "verified", "created_at"), _summaries, where=listed)
