"""A member's tokens at an OAuth provider (`members.oauth_providers.*`): what its redeemed OAuth logins
into the organization stored (encrypted), the newest login of each provider account first, refreshed
once expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from keystile.b2b.members import get_member
from keystile.b2b.models import B2BOAuthToken, Member, RetiredMemberEmail
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.oauth.client import ProviderTokens
from keystile.factors.oauth.flow import encrypted_tokens, refreshed, stored_tokens


@dataclass(frozen=True)
class ProviderRegistration:
    """One provider account of the member, with the tokens of its newest login."""

    provider_subject: str
    provider_tenant_id: str
    tokens: ProviderTokens
    access_token_expires_in: int | None


async def _held_since(call: Call, member: Member) -> datetime:
    """Since when the member's address has been its own: its creation or its last change of address."""
    changed = await call.db.scalar(
        select(func.max(RetiredMemberEmail.retired_at)).where(
            RetiredMemberEmail.project_id == call.project_id, RetiredMemberEmail.member_id == member.member_id
        )
    )
    return member.created_at if changed is None else max(member.created_at, changed)


async def _redeemed_logins(call: Call, member: Member, provider: str) -> list[B2BOAuthToken]:
    """The member's OAuth logins at `provider`, newest first: the organization's logins of its address
    made while the address was its own (not those of a member that held the address before)."""
    query = select(B2BOAuthToken).where(
        B2BOAuthToken.project_id == call.project_id,
        B2BOAuthToken.organization_id == member.organization_id,
        B2BOAuthToken.email_address == member.email_address,
        B2BOAuthToken.provider == provider,
        B2BOAuthToken.consumed_at >= await _held_since(call, member),
    )
    order = (B2BOAuthToken.consumed_at.desc(), B2BOAuthToken.token_id.desc())
    return list(await call.db.scalars(query.order_by(*order)))


async def _registration(call: Call, row: B2BOAuthToken) -> ProviderRegistration:
    """The login's account and tokens; an expired access token is first refreshed with the refresh
    token (when the provider issued one) and the new tokens stored in its place."""
    held = stored_tokens(row.provider_tokens_encrypted, call)
    if held.expires_at is not None and held.expires_at <= call.now and held.refresh_token:
        held = await refreshed(call, row.provider, held)
        row.provider_tokens_encrypted = encrypted_tokens(call, held)
    left = None if held.expires_at is None else max(0, int((held.expires_at - call.now).total_seconds()))
    return ProviderRegistration(row.provider_subject, row.provider_tenant_id, held, left)


async def registrations(
    call: Call, organization_ref: str, member_ref: str, provider: str
) -> list[ProviderRegistration]:
    """The member's accounts at `provider`, each with its newest login's tokens, newest first (none
    when the member never logged in with it)."""
    view = await get_member(call, organization_ref, member_ref=member_ref, email=None)
    logins = await _redeemed_logins(call, view.member, provider)
    newest: dict[str, B2BOAuthToken] = {}
    for row in logins:
        newest.setdefault(row.provider_subject, row)
    return [await _registration(call, row) for row in newest.values()]


async def newest_registration(
    call: Call, organization_ref: str, member_ref: str, provider: str
) -> ProviderRegistration:
    """The member's account at `provider` it last logged in with (Google's and Microsoft's answer)."""
    found = await registrations(call, organization_ref, member_ref, provider)
    if not found:
        raise KeystileError("oauth_user_registration_not_found")
    return found[0]
