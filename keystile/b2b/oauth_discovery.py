"""B2B OAuth discovery: a flow at a provider without an organization (the OAuth kernel of
`factors.oauth`), whose callback (`oauth_login.finish`) hands the app a `discovery_oauth` token for the
address the provider vouched for (with the provider's tokens, for the registration of the member the
intermediate session enters); `authenticate` redeems it once (PKCE checked) into an intermediate
session and the organizations of the address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from keystile import tokens
from keystile.b2b.discovery import Discovery, discover_with
from keystile.b2b.links import DISCOVERY
from keystile.b2b.models import B2BDiscoveryOAuthToken, B2BOAuthToken
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors.common import authentication_factor
from keystile.factors.oauth import client
from keystile.factors.oauth.flow import (
    FlowPlan,
    Returned,
    Started,
    begin,
    configured,
    encrypted_tokens,
    stored_tenant_ids,
)
from keystile.factors.oauth.providers import value_at
from keystile.ids import new_id
from keystile.projects.models import Project
from keystile.projects.service import project_by_public_token, resolve_redirect_url

HandedToken = TypeVar("HandedToken", B2BDiscoveryOAuthToken, B2BOAuthToken)
TOKEN_TYPE: Final = "discovery_oauth"  # noqa: S105 (a stytch_token_type)
TOKEN_LIFETIME: Final = timedelta(minutes=10)
# Where a provider's profile names the account's tenant (Google Workspace's hosted domain) and name.
TENANT_CLAIMS: Final = {"google": "hd", "microsoft": "tid", "slack": "https://slack.com/team_id"}


def sole_tenant(tenants: list[str]) -> str:
    """The `provider_tenant_id` Stytch shows: the one tenant, only when there is exactly one."""
    return tenants[0] if len(tenants) == 1 else ""


@dataclass(frozen=True)
class OAuthDiscovery:
    discovery: Discovery
    provider_type: str
    provider_tenant_ids: list[str]
    full_name: str

    @property
    def provider_tenant_id(self) -> str:
        return sole_tenant(self.provider_tenant_ids)


async def b2b_project(db: AsyncSession, public_token: str | None) -> Project:
    """The B2B project a discovery start names by its public token."""
    project = await project_by_public_token(db, public_token)
    if project.vertical != "b2b":
        raise KeystileError("invalid_b2b_endpoint")
    return project


async def start(
    call: Call,
    *,
    provider: str,
    discovery_redirect_url: str | None,
    custom_scopes: str | None,
    provider_params: dict[str, str],
    code_challenge: str | None,
    public_url: str,
) -> Started:
    """Begin a discovery flow at the provider; the app's discovery URL comes from the allowlist."""
    config = await configured(call, provider)
    url = await resolve_redirect_url(call.db, call.project_id, DISCOVERY, discovery_redirect_url)
    plan = FlowPlan(
        login_url=url,
        signup_url=url,
        code_challenge=tokens.check_challenge(code_challenge),
        custom_scopes=custom_scopes,
        provider_params=provider_params,
    )
    return await begin(call, config, plan, public_url=public_url)


@dataclass(frozen=True)
class Vouched:
    """What a provider vouched for at the end of a B2B flow: the verified address, the account's
    tenants (workspace, team, organizations) and name."""

    email: str
    tenants: list[str]
    name: str


async def _tenants(done: Returned) -> list[str]:
    """The account's tenants: the one its profile names, or the organizations the provider lists."""
    if done.config.provider.organizations is not None:
        at = await client.provider_endpoints(done.config)
        return await client.organization_ids(done.config, at, done.issued.access_token)
    tenant = value_at(done.profile, TENANT_CLAIMS.get(done.config.provider.name))
    return [tenant] if isinstance(tenant, str) and tenant else []


async def vouched(done: Returned) -> Vouched:
    """The verified address, tenants and name of a returned B2B flow (`oauth_provider_error` when the
    provider vouched for no address, or failed to list the account's organizations)."""
    email = done.account.verified_email
    if email is None:
        raise KeystileError("oauth_provider_error", "The OAuth provider vouched for no email address.")
    name = done.profile.get("name")
    return Vouched(email, await _tenants(done), name if isinstance(name, str) else "")


async def finish(call: Call, done: Returned) -> str:
    """The app's discovery URL with a `discovery_oauth` token for the provider's verified address."""
    return await hand_token(call, done, B2BDiscoveryOAuthToken, "oauth-discovery-token", TOKEN_TYPE)


async def hand_token(
    call: Call, done: Returned, model: type[HandedToken], id_kind: str, token_type: str, **columns: str
) -> str:
    """The app's redirect URL with a new single-use token of `model` (and its `columns`) for the account
    the provider vouched for, keeping the provider's tokens (and the account's tenants) encrypted."""
    found = await vouched(done)
    token = tokens.new_token()
    call.db.add(
        model(
            token_id=new_id(id_kind),
            project_id=call.project_id,
            token_digest=tokens.digest(token),
            code_challenge=done.flow.code_challenge,
            email_address=found.email,
            provider=done.config.provider.name,
            provider_subject=done.account.subject,
            provider_tenant_id=sole_tenant(found.tenants),
            full_name=found.name,
            profile_picture_url=done.account.picture,
            locale=done.account.locale,
            provider_tokens_encrypted=encrypted_tokens(call, done.issued, tenant_ids=found.tenants),
            created_at=call.now,
            expires_at=call.now + TOKEN_LIFETIME,
            **columns,
        )
    )
    return tokens.link(done.flow.login_redirect_url, token, token_type)


async def authenticate(call: Call, *, token: str, code_verifier: str | None) -> OAuthDiscovery:
    """Redeem a discovery OAuth token: an intermediate session (with the OAuth factor) and the
    organizations of the address."""
    row = await single_use.find(call.db, B2BDiscoveryOAuthToken, call.project_id, token)
    if row is None or not tokens.usable(row, call.now):
        raise KeystileError("oauth_token_not_found")
    tokens.check_pkce(row, code_verifier, issued_as="an OAuth discovery flow started")
    if not await single_use.redeem(call.db, row, call.now):
        raise KeystileError("oauth_token_not_found")
    details = {"id": row.token_id, "provider_subject": row.provider_subject}
    factor = authentication_factor(
        "oauth", f"oauth_{row.provider}", call.now, **{f"{row.provider}_oauth_factor": details}
    )
    found = await discover_with(call, row.email_address, factor, proven=True)
    tenants = stored_tenant_ids(row.provider_tokens_encrypted, call, row.provider_tenant_id)
    return OAuthDiscovery(found, row.provider, tenants, row.full_name)
