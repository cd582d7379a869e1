"""`/sdk/v1/oauth/logout/start`: the frontend SDK's `idp.oauthLogoutStart`, which the app's logout page
calls with a Connected App's RP-Initiated Logout request before it ends its own session: where to send
the browser afterwards, and whether the user must confirm."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.schemas.common import RequestBody
from keystile.api.sdk.gate import SdkCaller, data, sdk_gate
from keystile.idp import discovery, logout

router = APIRouter(prefix="/sdk/v1", tags=["frontend SDK"])

Logouts = sdk_gate()


class LogoutStartIn(RequestBody):
    client_id: str
    post_logout_redirect_uri: str
    state: str | None = None
    id_token_hint: str | None = None


@router.post("/oauth/logout/start", dependencies=[Depends(Logouts)])
async def logout_start(
    body: LogoutStartIn, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Logouts)]
) -> JSONResponse:
    """The request checked (client, registered post-logout URI, ID token hint); no session ends."""
    issuer = discovery.issuer(ctx.state.settings.public_url, caller.project.project_id)
    request = logout.LogoutRequest(**body.model_dump())
    started = await ctx.run(
        caller.project, logout.start, request, issuer=issuer, session_token=caller.session_token
    )
    return data(
        {
            "request_id": ctx.request_id,
            "status_code": 200,
            "redirect_uri": started.redirect_uri,
            "consent_required": started.consent_required,
        }
    )
