"""The WebAuthn part of the User response: the `webauthn_registrations` list (credentials and public
keys never leave the WebAuthn package)."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.factors.webauthn.models import WebAuthnRegistration
from keystile.identity.profile import ProfilePart, Row
from keystile.identity.views import UserView


@dataclass(frozen=True)
class RegistrationSummary:
    webauthn_registration_id: str
    domain: str
    user_agent: str
    verified: bool
    authenticator_type: str
    name: str


def summary(registration: WebAuthnRegistration) -> RegistrationSummary:
    return RegistrationSummary(
        registration.webauthn_registration_id,
        registration.domain,
        registration.user_agent,
        bool(registration.verified),
        registration.authenticator_type,
        registration.name,
    )


def _summaries(rows: list[Row], view: UserView) -> list[RegistrationSummary]:
    """The user's registrations, oldest first."""
    ordered = sorted(rows, key=lambda row: (row[6], row[0]))
    return [RegistrationSummary(i, d, ua, bool(v), t, n) for i, d, ua, v, t, n, _ in ordered]


WEBAUTHN_REGISTRATIONS = ProfilePart(
    "webauthn_registrations",
    WebAuthnRegistration,
    (
        "webauthn_registration_id",
        "domain",
        "user_agent",
        "verified",
        "authenticator_type",
        "name",
        "created_at",
    ),
    _summaries,
)
