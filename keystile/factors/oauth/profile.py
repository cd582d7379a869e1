"""The OAuth part of the User response: the `providers` list (Stytch's OAuthProvider objects)."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.factors.oauth.models import OAuthRegistration
from keystile.identity.profile import ProfilePart, Row
from keystile.identity.views import UserView


@dataclass(frozen=True)
class ProviderSummary:
    oauth_user_registration_id: str
    provider_type: str
    provider_subject: str
    profile_picture_url: str
    locale: str


def _summaries(rows: list[Row], view: UserView) -> list[ProviderSummary]:
    """The user's registrations, oldest first."""
    ordered = sorted(rows, key=lambda row: (row[5], row[0]))
    return [ProviderSummary(*row[:5]) for row in ordered]


PROVIDERS = ProfilePart(
    "providers",
    OAuthRegistration,
    ("registration_id", "provider", "provider_subject", "profile_picture_url", "locale", "created_at"),
    _summaries,
)
