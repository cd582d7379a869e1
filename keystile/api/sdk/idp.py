"""`/sdk/v1` Connected Apps routes of the frontend SDK's `idp` client, which the app's own pages (or
Stytch's `<IdentityProvider />`) call for the signed-in user or member: `oauthAuthorizeStart` (is the
relying party's request valid, does it need consent) and `oauthAuthorizeSubmit` (the redirect carrying
the code), consumer and B2B, run by the `/v1` handlers for the SDK's session only; and
`oauthLogoutStart`, which checks a relying party's RP-Initiated Logout request before the page ends its
own session: where to send the browser afterwards, and whether the user must confirm."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.schemas.common import RequestBody
from keystile.api.schemas.idp import (
    AuthorizeRequestBody,
    AuthorizeStartRequest,
    B2BAuthorizeRequestBody,
    B2BAuthorizeStartRequest,
)
from keystile.api.sdk.gate import SdkCaller, data, sdk_gate
from keystile.api.v1.b2b import idp as b2b_idp
from keystile.api.v1.consumer import idp as consumer_idp
from keystile.idp import discovery, logout

router = APIRouter(prefix="/sdk/v1", tags=["frontend SDK"])

Users = sdk_gate()
Members = sdk_gate(vertical="b2b")

Authorization = TypeVar("Authorization", bound=RequestBody)


def _for_session(body: Authorization, caller: SdkCaller) -> Authorization:
    """The authorization request for the subject of the SDK's session: whoever the body names is dropped."""
    named = ("user_id", "organization_id", "member_id", "session_jwt")
    dropped = {name: None for name in named if name in type(body).model_fields}
    return body.model_copy(update=dropped | {"session_token": caller.required_session()})


@router.post("/idp/oauth/authorize/start", dependencies=[Depends(Users)])
async def authorize_start(
    body: AuthorizeStartRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Users)]
) -> JSONResponse:
    """The client and scopes of the request, and whether the user must consent."""
    return data(await consumer_idp.authorize_start(_for_session(body, caller), ctx, caller.project))


@router.post("/idp/oauth/authorize/submit", dependencies=[Depends(Users)])
async def authorize_submit(
    body: AuthorizeRequestBody, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Users)]
) -> JSONResponse:
    """The redirect back to the client: with a code, or with the OAuth error."""
    return data(await consumer_idp.authorize(_for_session(body, caller), ctx, caller.project))


@router.post("/idp/b2b/oauth/authorize/start", dependencies=[Depends(Members)])
async def b2b_authorize_start(
    body: B2BAuthorizeStartRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Members)]
) -> JSONResponse:
    """The client and scopes of the request, and whether the member must consent."""
    return data(await b2b_idp.authorize_start(_for_session(body, caller), ctx, caller.project))


@router.post("/idp/b2b/oauth/authorize/submit", dependencies=[Depends(Members)])
async def b2b_authorize_submit(
    body: B2BAuthorizeRequestBody, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Members)]
) -> JSONResponse:
    """The redirect back to the client: with a code, or with the OAuth error."""
    return data(await b2b_idp.authorize(_for_session(body, caller), ctx, caller.project))


class LogoutStartIn(RequestBody):
    client_id: str
    post_logout_redirect_uri: str
    state: str | None = None
    id_token_hint: str | None = None


async def _logout_start(
    body: LogoutStartIn, ctx: Ctx, caller: SdkCaller, vertical: Literal["consumer", "b2b"]
) -> JSONResponse:
    """The request checked (client, registered post-logout URI, ID token hint); no session ends."""
    issuer = discovery.issuer(ctx.state.settings.public_url, caller.project.project_id)
    request = logout.LogoutRequest(**body.model_dump())
    started = await ctx.run(
        caller.project,
        logout.start,
        request,
        issuer=issuer,
        session_token=caller.session_token,
        vertical=vertical,
    )
    return data(
        {
            "request_id": ctx.request_id,
            "status_code": 200,
            "redirect_uri": started.redirect_uri,
            "consent_required": started.consent_required,
        }
    )


@router.post("/oauth/logout/start", dependencies=[Depends(Users)])
async def logout_start(
    body: LogoutStartIn, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Users)]
) -> JSONResponse:
    return await _logout_start(body, ctx, caller, "consumer")


@router.post("/b2b/oauth/logout/start", dependencies=[Depends(Members)])
async def b2b_logout_start(
    body: LogoutStartIn, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Members)]
) -> JSONResponse:
    return await _logout_start(body, ctx, caller, "b2b")
