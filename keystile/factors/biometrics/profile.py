"""The biometrics part of the User response: the `biometric_registrations` list (public keys never leave
the biometrics package)."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.factors.biometrics.models import BiometricRegistration
from keystile.identity.profile import ProfilePart, Row
from keystile.identity.views import UserView


@dataclass(frozen=True)
class RegistrationSummary:
    biometric_registration_id: str
    verified: bool


def _summaries(rows: list[Row], view: UserView) -> list[RegistrationSummary]:
    """The user's registrations, oldest first."""
    ordered = sorted(rows, key=lambda row: (row[2], row[0]))
    return [RegistrationSummary(i, bool(v)) for i, v, _ in ordered]


BIOMETRIC_REGISTRATIONS = ProfilePart(
    "biometric_registrations",
    BiometricRegistration,
    ("biometric_registration_id", "verified", "created_at"),
    _summaries,
)
