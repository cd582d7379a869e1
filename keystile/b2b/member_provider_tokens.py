"""A member's tokens at an OAuth provider (`members.oauth_providers.*`): what its OAuth registrations
keep (encrypted) from the latest login of each provider account, the latest first, refreshed once
expired."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.b2b.members import get_member
from keystile.b2b.models import MemberOAuthRegistration
from keystile.b2b.oauth_registrations import OAuthRegistrationRepository
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.oauth.client import ProviderTokens
from keystile.factors.oauth.flow import encrypted_tokens, refreshed, stored_tenant_ids, stored_tokens


@dataclass(frozen=True)
class ProviderRegistration:
    """One provider account of the member, with the tokens of its newest login."""

    provider_subject: str
    provider_tenant_id: str
    provider_tenant_ids: list[str]
    tokens: ProviderTokens
    access_token_expires_in: int | None


async def _registration(call: Call, row: MemberOAuthRegistration) -> ProviderRegistration:
    """The registration's account and tokens; an expired access token is first refreshed with the
    refresh token (when the provider issued one) and the new tokens stored in its place."""
    assert row.provider_tokens_encrypted is not None
    held = stored_tokens(row.provider_tokens_encrypted, call)
    tenants = stored_tenant_ids(row.provider_tokens_encrypted, call, row.provider_tenant_id)
    if held.expires_at is not None and held.expires_at <= call.now and held.refresh_token:
        held = await refreshed(call, row.provider, held)
        row.provider_tokens_encrypted = encrypted_tokens(call, held, tenant_ids=tenants)
    left = None if held.expires_at is None else max(0, int((held.expires_at - call.now).total_seconds()))
    return ProviderRegistration(row.provider_subject, row.provider_tenant_id, tenants, held, left)


async def registrations(
    call: Call, organization_ref: str, member_ref: str, provider: str
) -> list[ProviderRegistration]:
    """The member's accounts at `provider` (its registrations: the member's own, whatever address it
    had when it logged in), each with its latest login's tokens, latest first (none when the member
    never logged in with it)."""
    view = await get_member(call, organization_ref, member_ref=member_ref, email=None)
    rows = await OAuthRegistrationRepository(call.db, call.project_id).with_tokens(
        view.member.member_id, provider
    )
    return [await _registration(call, row) for row in rows]


async def newest_registration(
    call: Call, organization_ref: str, member_ref: str, provider: str
) -> ProviderRegistration:
    """The member's account at `provider` it last logged in with (Google's and Microsoft's answer)."""
    found = await registrations(call, organization_ref, member_ref, provider)
    if not found:
        raise KeystileError("oauth_user_registration_not_found")
    return found[0]
