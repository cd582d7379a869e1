"""`POST /v1/public/{project_id}/oauth2/token`: the OAuth 2.0 token endpoint (client-credentials grant)
for M2M clients. Public: the client's credentials authenticate the request, not the project's.

Both SDKs are served: Python posts JSON (with the project's Basic credentials, which are ignored here),
Node posts a form; a client may instead authenticate with HTTP Basic `client_id:client_secret`
(RFC 6749 section 2.3.1). Errors are RFC 6749's (`error`, `error_description`, `error_uri`) beside
Stytch's `status_code` and `request_id`, which is what both SDKs parse from this endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import pydantic_core
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from keystile.api.auth import basic_credentials
from keystile.api.context import Ctx, RequestContext
from keystile.api.errors import request_id
from keystile.api.schemas.m2m import OAuthErrorResponse, TokenResponse
from keystile.errors import KeystileError
from keystile.idp import discovery, exchange
from keystile.idp.protocol import Answer
from keystile.m2m import tokens
from keystile.m2m.tokens import TokenRequest

router = APIRouter(tags=["m2m"])

FORM = "application/x-www-form-urlencoded"
# RFC 6749 section 5.1: token responses, errors included, must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_PARAMETERS = 100


class TokenParameters(BaseModel):
    """The parameters of a token request (documentation only: the body is read by hand, as a form or
    as JSON)."""

    grant_type: str
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None


def _form(body: bytes) -> dict[str, Any]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_PARAMETERS)
    except (UnicodeDecodeError, ValueError) as error:
        raise KeystileError("invalid_request", "The form is not valid UTF-8 URL encoding.") from error
    params = dict(pairs)
    if len(params) != len(pairs):
        raise KeystileError("invalid_request", "A parameter is repeated.")
    return params


def _json(body: bytes) -> dict[str, Any]:
    try:
        params = pydantic_core.from_json(body or b"{}", allow_inf_nan=False)
    except ValueError as error:
        raise KeystileError("invalid_request", "The body is not valid JSON.") from error
    if not isinstance(params, dict):
        raise KeystileError("invalid_request", "The body must be a JSON object.")
    return params


def _text(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is not None and not isinstance(value, str):
        raise KeystileError("invalid_request", f"{name} must be a string.")
    return value


def _basic_client(header: str | None) -> tuple[str | None, str | None]:
    """`client_id:client_secret` from an HTTP Basic header; (None, None) without one."""
    try:
        credentials = basic_credentials(header)
    except ValueError as error:
        raise KeystileError("invalid_client", "The Basic credentials are not valid base64.") from error
    return credentials or (None, None)


async def request_params(request: Request) -> dict[str, Any]:
    """The parameters of a protocol request, sent as a form or as JSON."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in (FORM, "application/json", ""):
        raise KeystileError("invalid_request", f"Send the parameters as {FORM} or as JSON.")
    body = await request.body()
    return _form(body) if media_type == FORM else _json(body)


async def _token_request(request: Request) -> TokenRequest:
    params = await request_params(request)
    client_id, client_secret = _text(params, "client_id"), _text(params, "client_secret")
    if client_secret is None:
        # client_secret_basic; some libraries repeat the client_id in the body.
        basic_id, basic_secret = _basic_client(request.headers.get("authorization"))
        if client_id is None or client_id == basic_id:
            client_id, client_secret = basic_id, basic_secret
    return TokenRequest(
        grant_type=_text(params, "grant_type"),
        client_id=client_id,
        client_secret=client_secret,
        scope=_text(params, "scope"),
        params=params,
    )


async def _connected_app_token(
    project_id: str, request: Request, ctx: RequestContext, params: dict[str, Any]
) -> JSONResponse:
    if not all(isinstance(value, str) for value in params.values()):
        raise KeystileError("invalid_request", "Every parameter must be a string.")
    async with ctx.call_in(project_id) as call:
        answer = await exchange.exchange(
            call,
            params,
            request.headers.get("authorization"),
            issuer=discovery.issuer(ctx.state.settings.public_url, project_id),
        )
    return protocol_answer(ctx, answer)


def protocol_answer(ctx: RequestContext, answer: Answer) -> JSONResponse:
    """Authlib's answer as JSON, with Stytch's `status_code` and `request_id` beside its fields."""
    body = {**answer.body, "status_code": answer.status, "request_id": ctx.request_id}
    return JSONResponse(body, status_code=answer.status, headers={**answer.headers, **NO_STORE})


def oauth_error(request: Request, error: KeystileError) -> JSONResponse:
    body = OAuthErrorResponse(
        status_code=error.status_code,
        request_id=request_id(request),
        error=error.error_type,
        error_description=error.error_message,
        error_uri=error.error_url,
    )
    headers = dict(NO_STORE)
    if error.error_type == "invalid_client" and "authorization" in request.headers:
        headers["WWW-Authenticate"] = 'Basic realm="keystile"'
    return JSONResponse(body.model_dump(), status_code=error.status_code, headers=headers)


@router.post(
    "/v1/public/{project_id}/oauth2/token",
    response_model=TokenResponse,
    responses={400: {"model": OAuthErrorResponse}, 401: {"model": OAuthErrorResponse}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media_type: {"schema": TokenParameters.model_json_schema()}
                for media_type in (FORM, "application/json")
            },
        }
    },
)
async def token(project_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    """An access token for an M2M client (RFC 6749 section 4.4), or for a Connected App by the
    authorization_code and refresh_token grants (sections 4.1 and 6)."""
    try:
        token_request = await _token_request(request)
        if token_request.grant_type in exchange.GRANT_TYPES:
            return await _connected_app_token(project_id, request, ctx, token_request.params)
        lifetime = timedelta(minutes=ctx.state.settings.m2m_token_minutes)
        async with ctx.call_in(project_id) as call:
            issued = await tokens.issue_token(call, token_request, lifetime=lifetime)
    except KeystileError as error:
        return oauth_error(request, error)
    body = TokenResponse(
        request_id=ctx.request_id,
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        scope=" ".join(issued.scopes),
    )
    return JSONResponse(body.model_dump(), headers=NO_STORE)
