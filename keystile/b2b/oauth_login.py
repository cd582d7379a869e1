"""B2B OAuth login into one organization: a flow at a provider (the OAuth kernel of `factors.oauth`)
that names the organization; its callback hands the app an `oauth` token for the account the provider
vouched for, and `authenticate` redeems it once (PKCE checked) into the organization, provisioning a
new member by the organization's allowed OAuth tenants or email domains, and records the member's
registration at the provider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from keystile import tokens
from keystile.b2b import intermediate, oauth_discovery, oauth_registrations, policy
from keystile.b2b.admission import Entry, enter
from keystile.b2b.members import NewMember, add_member, detailed_view
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import B2BOAuthToken, Member
from keystile.b2b.organizations import organization_view
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors.common import authentication_factor
from keystile.factors.oauth.client import ProviderTokens
from keystile.factors.oauth.flow import (
    FlowPlan,
    ProviderReturn,
    Started,
    begin,
    configured,
    returned_account,
    stored_tenant_ids,
    stored_tokens,
)
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.types import SessionRequest

TOKEN_TYPE: Final = "oauth"  # noqa: S105 (a stytch_token_type)
# The providers an organization logs its members in with (Stytch's B2B OAuth providers).
B2B_PROVIDERS: Final = ("google", "microsoft", "github", "hubspot", "slack")


@dataclass(frozen=True)
class LoginStart:
    """What `GET /v1/b2b/public/oauth/{provider}/start` was given (`provider_*` parameters unprefixed)."""

    provider: str
    organization_ref: str
    login_redirect_url: str | None
    signup_redirect_url: str | None
    custom_scopes: str | None
    provider_params: dict[str, str]
    code_challenge: str | None


@dataclass(frozen=True)
class OAuthLogin:
    """A redeemed login: the entry into the organization and what the provider vouched for."""

    entry: Entry
    provider_type: str
    provider_subject: str
    provider_tokens: ProviderTokens


async def start(call: Call, *, request: LoginStart, public_url: str) -> Started:
    """Begin a login flow into the organization (by id or slug) at the provider; the app's URLs come
    from the allowlist."""
    if request.provider not in B2B_PROVIDERS:
        raise KeystileError("invalid_oauth_provider")
    config = await configured(call, request.provider)
    organization = await organization_view(call, request.organization_ref)
    plan = FlowPlan(
        login_url=await resolve_redirect_url(call.db, call.project_id, "login", request.login_redirect_url),
        signup_url=await resolve_redirect_url(
            call.db, call.project_id, "signup", request.signup_redirect_url
        ),
        code_challenge=tokens.check_challenge(request.code_challenge),
        organization_id=organization.organization_id,
        custom_scopes=request.custom_scopes,
        provider_params=request.provider_params,
    )
    return await begin(call, config, plan, public_url=public_url)


async def finish(call: Call, *, callback_id: str, returned: ProviderReturn, public_url: str) -> str:
    """keystile's callback for a B2B project: a login flow's app URL with an `oauth` token, or (a flow
    naming no organization) a discovery flow's."""
    done = await returned_account(call, callback_id=callback_id, returned=returned, public_url=public_url)
    organization_id = done.flow.organization_id
    if organization_id is None:
        return await oauth_discovery.finish(call, done)
    return await oauth_discovery.hand_token(
        call, done, B2BOAuthToken, "oauth-token", TOKEN_TYPE, organization_id=organization_id
    )


def _admits_tenant(organization: OrganizationView, provider: str, tenants: list[str]) -> bool:
    """JIT provisioning by OAuth tenant, per `oauth_tenant_jit_provisioning` and `allowed_oauth_tenants`:
    any of the account's tenants allowed."""
    settings = organization.organization
    allowed = (settings.allowed_oauth_tenants or {}).get(provider) or []
    listed = {str(one) for one in allowed} if isinstance(allowed, list) else set()
    return settings.oauth_tenant_jit_provisioning == policy.RESTRICTED and not listed.isdisjoint(tenants)


async def _member(call: Call, organization: OrganizationView, row: B2BOAuthToken) -> Member:
    """The member of the vouched address: an existing one, or a new one when the organization
    provisions members of the account's tenant or of the address's email domain."""
    repo = MemberRepository(call.db, call.project_id)
    member = await repo.by_email(organization.organization_id, row.email_address, for_update=True)
    if member is None:
        tenants = stored_tenant_ids(row.provider_tokens_encrypted, call, row.provider_tenant_id)
        joins = _admits_tenant(organization, row.provider, tenants)
        if not (joins or organization.admits_by_email_domain(row.email_address)):
            raise KeystileError("invalid_email_for_jit_provisioning")
        new = NewMember(name=row.full_name or None)
        return await add_member(
            call, organization, row.email_address, status="pending", verified=True, new=new
        )
    if member.status == "deleted":
        raise KeystileError("member_not_found", "This member was deleted; reactivate it to let it log in.")
    return member


async def authenticate(
    call: Call,
    *,
    token: str,
    code_verifier: str | None,
    request: SessionRequest,
    intermediate_session_token: str | None,
) -> OAuthLogin:
    """Redeem an organization login's `oauth` token: the member gets a session, or an intermediate
    session when the organization wants MFA or another primary method."""
    row = await single_use.find(call.db, B2BOAuthToken, call.project_id, token)
    if row is None or not tokens.usable(row, call.now):
        raise KeystileError("oauth_token_not_found")
    tokens.check_pkce(row, code_verifier, issued_as="an OAuth flow started")
    if not await single_use.redeem(call.db, row, call.now):
        raise KeystileError("oauth_token_not_found")
    organization = await organization_view(call, row.organization_id)
    member = await _member(call, organization, row)
    await oauth_registrations.record(call, member, row, row.provider_tokens_encrypted)
    details = {"id": row.token_id, "provider_subject": row.provider_subject}
    factor = authentication_factor(
        "oauth", f"oauth_{row.provider}", call.now, **{f"{row.provider}_oauth_factor": details}
    )
    presented = (
        await intermediate.presented(call, intermediate_session_token) if intermediate_session_token else None
    )
    view = await detailed_view(call, MemberView(member, organization))
    entry = await enter(call, member=view, factors=[factor], request=request, presented=presented)
    return OAuthLogin(
        entry, row.provider, row.provider_subject, stored_tokens(row.provider_tokens_encrypted, call)
    )
