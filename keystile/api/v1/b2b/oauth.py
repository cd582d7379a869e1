"""B2B OAuth: the browser-facing `GET /v1/b2b/public/oauth/{provider}/start` (an organization's login)
and `/discovery/start` (named by public token; keystile's callback ends both flows), and
`/v1/b2b/oauth/authenticate` and `/v1/b2b/oauth/discovery/authenticate`."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.oauth_browser import Param, provider_params, redirect
from keystile.api.schemas import b2b_oauth as schemas
from keystile.api.schemas.b2b_discovery import discovery_fields
from keystile.api.schemas.b2b_sessions import entry_fields
from keystile.api.schemas.ids import OrganizationId
from keystile.api.schemas.oauth import provider_values_out
from keystile.api.schemas.sessions import session_request
from keystile.b2b import oauth_discovery, oauth_login
from keystile.clock import rfc3339
from keystile.errors import KeystileError

router = APIRouter(tags=["b2b oauth"])


@router.get("/v1/b2b/public/oauth/{provider}/start", response_class=RedirectResponse, status_code=302)
async def start(
    provider: str,
    request: Request,
    ctx: Ctx,
    public_token: Param = None,
    organization_id: Annotated[OrganizationId | None, Query()] = None,
    slug: Param = None,
    login_redirect_url: Param = None,
    signup_redirect_url: Param = None,
    custom_scopes: Param = None,
    pkce_code_challenge: Param = None,
) -> RedirectResponse:
    organization_ref = organization_id or slug
    if not organization_ref:
        raise KeystileError("bad_request", "organization_id or slug is required.")
    login = oauth_login.LoginStart(
        provider=provider,
        organization_ref=organization_ref,
        login_redirect_url=login_redirect_url,
        signup_redirect_url=signup_redirect_url,
        custom_scopes=custom_scopes,
        provider_params=provider_params(request),
        code_challenge=pkce_code_challenge,
    )
    started = await ctx.run_found(
        partial(oauth_discovery.b2b_project, public_token=public_token),
        oauth_login.start,
        request=login,
        public_url=ctx.state.settings.public_url,
    )
    return redirect(ctx, started.authorization_url, state=started.state)


@router.post(
    "/v1/b2b/oauth/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts]
)
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: B2BProject
) -> schemas.AuthenticateResponse:
    done = await ctx.run(
        project,
        oauth_login.authenticate,
        token=body.oauth_token,
        code_verifier=body.pkce_code_verifier,
        request=session_request(body),
        intermediate_session_token=body.intermediate_session_token,
    )
    return schemas.AuthenticateResponse(
        request_id=ctx.request_id,
        organization_id=done.entry.member.member.organization_id,
        provider_subject=done.provider_subject,
        provider_type=done.provider_type,
        provider_values=provider_values_out(done.provider_tokens),
        **entry_fields(done.entry),
    )


@router.get(
    "/v1/b2b/public/oauth/{provider}/discovery/start", response_class=RedirectResponse, status_code=302
)
async def discovery_start(
    provider: str,
    request: Request,
    ctx: Ctx,
    public_token: Param = None,
    discovery_redirect_url: Param = None,
    custom_scopes: Param = None,
    pkce_code_challenge: Param = None,
) -> RedirectResponse:
    started = await ctx.run_found(
        partial(oauth_discovery.b2b_project, public_token=public_token),
        oauth_discovery.start,
        provider=provider,
        discovery_redirect_url=discovery_redirect_url,
        custom_scopes=custom_scopes,
        provider_params=provider_params(request),
        code_challenge=pkce_code_challenge,
        public_url=ctx.state.settings.public_url,
    )
    return redirect(ctx, started.authorization_url, state=started.state)


@router.post(
    "/v1/b2b/oauth/discovery/authenticate",
    response_model=schemas.DiscoveryAuthenticateResponse,
    dependencies=[Attempts],
)
async def discovery_authenticate(
    body: schemas.DiscoveryAuthenticateRequest, ctx: Ctx, project: B2BProject
) -> schemas.DiscoveryAuthenticateResponse:
    found = await ctx.run(
        project,
        oauth_discovery.authenticate,
        token=body.discovery_oauth_token,
        code_verifier=body.pkce_code_verifier,
    )
    ist = found.discovery.intermediate
    return schemas.DiscoveryAuthenticateResponse(
        request_id=ctx.request_id,
        intermediate_session_token=ist.token if ist is not None else "",
        intermediate_session_token_expires_at=rfc3339(ist.expires_at) if ist is not None else None,
        provider_type=found.provider_type,
        provider_tenant_id=found.provider_tenant_id,
        provider_tenant_ids=found.provider_tenant_ids,
        full_name=found.full_name,
        **discovery_fields(found.discovery),
    )
