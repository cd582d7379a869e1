"""`/sdk/v1/b2b`: what `StytchB2B`'s discovery flow calls (a B2B project's discovery email magic link,
sent and authenticated; the organizations the intermediate session or member session discovers; the
intermediate session's exchange for a member session), its organization flow's email magic link (sent,
authenticated), and the member session itself (authenticate, revoke). Each route admits the call
through the SDK gate, then runs the `/v1/b2b` handler on the body as a browser may send it;
session-bound calls act on the caller's member session only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.limits import Attempts, Sends, SessionChecks
from keystile.api.schemas import b2b_discovery as discovery_schemas
from keystile.api.schemas import b2b_magic_links as magic_link_schemas
from keystile.api.schemas.b2b_sessions import AuthenticateMemberSessionRequest, RevokeMemberSessionRequest
from keystile.api.sdk.gate import SdkCaller, browser_body, data, sdk_gate
from keystile.api.sdk.sessions import SessionDurationIn
from keystile.api.v1.b2b import discovery, magic_links, sessions

router = APIRouter(prefix="/sdk/v1/b2b", tags=["frontend SDK"])

MagicLinks = sdk_gate("magic_links", vertical="b2b")
# A login_or_signup may make the address a member (JIT provisioning by its email domain).
MagicLinksCreatingMembers = sdk_gate("magic_links", "create_users", vertical="b2b")
Sessions = sdk_gate(vertical="b2b")


@router.post("/magic_links/email/login_or_signup", dependencies=[Depends(MagicLinksCreatingMembers), Sends])
async def login_or_signup(
    body: magic_link_schemas.LoginOrSignupRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(MagicLinksCreatingMembers)],
) -> JSONResponse:
    return data(await magic_links.login_or_signup(browser_body(body, caller), ctx, caller.project))


@router.post("/magic_links/authenticate", dependencies=[Depends(MagicLinks), Attempts])
async def magic_link_authenticate(
    body: magic_link_schemas.AuthenticateRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(MagicLinks)]
) -> JSONResponse:
    """An organization login link: a member session (the caller's, when it has one, gains the factor)."""
    return data(await magic_links.authenticate(browser_body(body, caller), ctx, caller.project))


@router.post("/magic_links/email/discovery/send", dependencies=[Depends(MagicLinks), Sends])
async def discovery_send(
    body: magic_link_schemas.DiscoverySendRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(MagicLinks)]
) -> JSONResponse:
    return data(await magic_links.send_discovery(browser_body(body, caller), ctx, caller.project))


@router.post("/magic_links/discovery/authenticate", dependencies=[Depends(MagicLinks), Attempts])
async def discovery_authenticate(
    body: magic_link_schemas.DiscoveryAuthenticateRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(MagicLinks)],
) -> JSONResponse:
    return data(await magic_links.authenticate_discovery(browser_body(body, caller), ctx, caller.project))


@router.post("/discovery/organizations", dependencies=[Depends(Sessions)])
async def discovered_organizations(
    body: discovery_schemas.ListDiscoveredOrganizationsRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(Sessions)],
) -> JSONResponse:
    """The organizations of the intermediate session in the body, or of the caller's member session."""
    return data(await discovery.list_organizations(browser_body(body, caller), ctx, caller.project))


@router.post("/discovery/intermediate_sessions/exchange", dependencies=[Depends(Sessions)])
async def exchange_intermediate_session(
    body: discovery_schemas.ExchangeIntermediateSessionRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(Sessions)],
) -> JSONResponse:
    exchanged = await discovery.exchange_intermediate_session(browser_body(body, caller), ctx, caller.project)
    return data(exchanged)


@router.post("/sessions/authenticate", dependencies=[Depends(Sessions), SessionChecks])
async def authenticate_session(
    body: SessionDurationIn, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Sessions)]
) -> JSONResponse:
    """The caller's member session, extended by `session_duration_minutes` when given."""
    request = AuthenticateMemberSessionRequest(
        session_token=caller.required_session(), session_duration_minutes=body.session_duration_minutes
    )
    return data(await sessions.authenticate_session(request, ctx, caller.project))


@router.post("/sessions/revoke", dependencies=[Depends(Sessions)])
async def revoke_session(ctx: Ctx, caller: Annotated[SdkCaller, Depends(Sessions)]) -> JSONResponse:
    """Revokes the caller's member session (only it)."""
    request = RevokeMemberSessionRequest(session_token=caller.required_session())
    return data(await sessions.revoke_session(request, ctx, caller.project, None))
