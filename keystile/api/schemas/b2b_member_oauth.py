"""Response bodies of a member's provider tokens (`members.oauth_providers.*`, `members.oidc_providers`),
each as the official SDK's model of that provider has it."""

from __future__ import annotations

from pydantic import BaseModel

from keystile.api.schemas.common import StytchResponse
from keystile.b2b.member_provider_tokens import ProviderRegistration


class SingleAccountResponse(StytchResponse):
    """Google's and Microsoft's answer: the account the member last logged in with."""

    provider_type: str
    provider_subject: str
    id_token: str
    scopes: list[str]
    access_token: str
    access_token_expires_in: int
    refresh_token: str | None = None


class GithubRegistrationOut(BaseModel):
    provider_subject: str
    provider_tenant_ids: list[str]
    access_token: str
    scopes: list[str]


class HubspotRegistrationOut(BaseModel):
    provider_subject: str
    provider_tenant_id: str
    access_token: str
    access_token_expires_in: int
    scopes: list[str]
    refresh_token: str | None = None


class SlackRegistrationOut(BaseModel):
    provider_subject: str
    provider_tenant_id: str
    access_token: str
    scopes: list[str]
    bot_access_token: str = ""  # keystile asks Slack for no bot token
    bot_scopes: list[str] = []


class GithubResponse(StytchResponse):
    provider_type: str = "github"
    registrations: list[GithubRegistrationOut]


class HubspotResponse(StytchResponse):
    provider_type: str = "hubspot"
    registrations: list[HubspotRegistrationOut]


class SlackResponse(StytchResponse):
    provider_type: str = "slack"
    registrations: list[SlackRegistrationOut]


class OIDCRegistrationOut(BaseModel):
    provider_subject: str
    id_token: str
    access_token: str
    access_token_expires_in: int
    scopes: list[str]
    connection_id: str
    refresh_token: str | None = None


class OIDCProvidersResponse(StytchResponse):
    registrations: list[OIDCRegistrationOut]


def _refresh_token(found: ProviderRegistration, include_refresh_token: bool) -> str | None:
    """The stored refresh token, only when asked for (and one was issued)."""
    return (found.tokens.refresh_token or None) if include_refresh_token else None


def single_account_response(
    request_id: str, provider: str, found: ProviderRegistration, include_refresh_token: bool
) -> SingleAccountResponse:
    return SingleAccountResponse(
        request_id=request_id,
        provider_type=provider,
        provider_subject=found.provider_subject,
        id_token=found.tokens.id_token,
        scopes=found.tokens.scopes,
        access_token=found.tokens.access_token,
        access_token_expires_in=found.access_token_expires_in or 0,
        refresh_token=_refresh_token(found, include_refresh_token),
    )


def github_response(request_id: str, found: list[ProviderRegistration]) -> GithubResponse:
    registrations = [
        GithubRegistrationOut(
            provider_subject=one.provider_subject,
            provider_tenant_ids=one.provider_tenant_ids,
            access_token=one.tokens.access_token,
            scopes=one.tokens.scopes,
        )
        for one in found
    ]
    return GithubResponse(request_id=request_id, registrations=registrations)


def hubspot_response(
    request_id: str, found: list[ProviderRegistration], include_refresh_token: bool
) -> HubspotResponse:
    registrations = [
        HubspotRegistrationOut(
            provider_subject=one.provider_subject,
            provider_tenant_id=one.provider_tenant_id,
            access_token=one.tokens.access_token,
            access_token_expires_in=one.access_token_expires_in or 0,
            scopes=one.tokens.scopes,
            refresh_token=_refresh_token(one, include_refresh_token),
        )
        for one in found
    ]
    return HubspotResponse(request_id=request_id, registrations=registrations)


def slack_response(request_id: str, found: list[ProviderRegistration]) -> SlackResponse:
    registrations = [
        SlackRegistrationOut(
            provider_subject=one.provider_subject,
            provider_tenant_id=one.provider_tenant_id,
            access_token=one.tokens.access_token,
            scopes=one.tokens.scopes,
        )
        for one in found
    ]
    return SlackResponse(request_id=request_id, registrations=registrations)
