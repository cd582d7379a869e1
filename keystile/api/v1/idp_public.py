"""The Connected Apps provider's public endpoints for a project: discovery (OpenID Connect and RFC
8414, also at RFC 8414's path-inserted well-known URLs), UserInfo, introspection, revocation, dynamic
client registration and RP-Initiated Logout. Clients authenticate themselves; errors are RFC
6749/6750's, a malformed or unknown project id included (the path's id is checked by the project
lookup, not by a path type)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from keystile.api.context import Ctx, RequestContext
from keystile.api.schemas.ids import ProjectId
from keystile.api.v1.oauth2 import oauth_error, protocol_answer, request_params
from keystile.errors import KeystileError
from keystile.idp import discovery, logout, registration, resources
from keystile.idp.protocol import Answer

router = APIRouter(tags=["connected apps"])
OPENID, AUTHORIZATION_SERVER = "openid-configuration", "oauth-authorization-server"


async def _metadata(ctx: RequestContext, project_id: str, *, openid: bool) -> dict[str, Any]:
    async with ctx.call_in(project_id) as call:
        return await discovery.metadata(call, ctx.state.settings.public_url, openid=openid)


@router.get(f"/v1/public/{{project_id}}/.well-known/{OPENID}")
@router.get(f"/.well-known/{OPENID}/v1/public/{{project_id}}")
async def openid_configuration(project_id: ProjectId, ctx: Ctx) -> JSONResponse:
    """OpenID Connect Discovery 1.0: the project's provider metadata."""
    return JSONResponse(await _metadata(ctx, project_id, openid=True))


@router.get(f"/v1/public/{{project_id}}/.well-known/{AUTHORIZATION_SERVER}")
@router.get(f"/.well-known/{AUTHORIZATION_SERVER}/v1/public/{{project_id}}")
async def authorization_server(project_id: ProjectId, ctx: Ctx) -> JSONResponse:
    """RFC 8414: the project's authorization server metadata."""
    return JSONResponse(await _metadata(ctx, project_id, openid=False))


@router.post("/v1/public/{project_id}/oauth2/introspect")
async def introspect(project_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    """RFC 7662: whether a token the client holds is active, with its claims."""
    try:
        params = await request_params(request)
        async with ctx.call_in(project_id) as call:
            answer = await resources.introspect(call, params, request.headers.get("authorization"))
    except KeystileError as error:
        return oauth_error(request, error)
    return protocol_answer(ctx, answer)


@router.post("/v1/public/{project_id}/oauth2/revoke")
async def revoke(project_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    """RFC 7009: revoke a token the client holds, and every token of the same authorization."""
    try:
        params = await request_params(request)
        async with ctx.call_in(project_id) as call:
            answer = await resources.revoke(call, params, request.headers.get("authorization"))
    except KeystileError as error:
        return oauth_error(request, error)
    return protocol_answer(ctx, answer)


@router.get("/v1/public/{project_id}/oauth2/userinfo")
@router.post("/v1/public/{project_id}/oauth2/userinfo")
async def userinfo(project_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    """OpenID Connect UserInfo, for a bearer access token with the `openid` scope."""
    try:
        async with ctx.call_in(project_id) as call:
            answer = await resources.userinfo(call, request.headers.get("authorization"))
    except KeystileError as error:
        return oauth_error(request, error)
    return protocol_answer(ctx, answer)


@router.post("/v1/public/{project_id}/oauth2/register")
async def register(project_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    """RFC 7591: a client registers itself, when the project allows it."""
    try:
        params = await request_params(request)
        server_metadata = await _metadata(ctx, project_id, openid=False)
        async with ctx.call_in(project_id) as call:
            answer = await registration.register(call, params, server_metadata)
    except KeystileError as error:
        return oauth_error(request, error)
    return protocol_answer(ctx, answer)


def _logout_request(params: dict[str, Any]) -> logout.LogoutRequest:
    fields = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state")
    if any(not isinstance(params.get(name), str | None) for name in fields):
        raise KeystileError("invalid_request", "Every parameter must be a string.")
    return logout.LogoutRequest(**{name: params.get(name) for name in fields})


@router.get("/v1/public/{project_id}/oauth2/end_session", response_model=None)
@router.post("/v1/public/{project_id}/oauth2/end_session", response_model=None)
async def end_session(project_id: str, request: Request, ctx: Ctx) -> JSONResponse | RedirectResponse:
    """OpenID Connect RP-Initiated Logout 1.0: end the session the ID token hint came from, then back
    to the client's registered post-logout redirect URI (with its state). Refusals redirect nowhere."""
    try:
        params = dict(request.query_params) if request.method == "GET" else await request_params(request)
        if request.method == "GET" and len(request.query_params) != len(request.query_params.multi_items()):
            raise KeystileError("invalid_request", "A parameter is repeated.")
        issuer = discovery.issuer(ctx.state.settings.public_url, project_id)
        async with ctx.call_in(project_id) as call:
            redirect = await logout.end_session(call, _logout_request(params), issuer=issuer)
    except KeystileError as error:
        return oauth_error(request, error)
    if redirect is None:
        return protocol_answer(ctx, Answer(200, {}, {}))
    return RedirectResponse(redirect, status_code=302, headers={"Cache-Control": "no-store"})
