"""`/v1/idp/oauth`: the consumer app's authorization page asks whether a Connected App's request is
valid and needs consent (`authorize/start`), then gets the redirect carrying the code (`authorize`)."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx
from keystile.api.schemas.idp import (
    AuthorizeRequestBody,
    AuthorizeResponse,
    AuthorizeStartRequest,
    AuthorizeStartResponse,
    ConnectedAppPublicOut,
    ScopeResultOut,
)
from keystile.api.schemas.users import user_out
from keystile.idp import authorization

router = APIRouter(prefix="/v1/idp/oauth", tags=["connected apps"])


@router.post("/authorize/start", response_model=AuthorizeStartResponse)
async def authorize_start(
    body: AuthorizeStartRequest, ctx: Ctx, project: ConsumerProject
) -> AuthorizeStartResponse:
    started = await ctx.run(project, authorization.start, body.authorize_request())
    user = started.signed_in.user
    assert user is not None, "a consumer authorization is a user's"
    return AuthorizeStartResponse(
        request_id=ctx.request_id,
        user_id=user.user.user_id,
        user=user_out(user),
        client=ConnectedAppPublicOut.of(started.client),
        consent_required=started.consent_required,
        scope_results=[ScopeResultOut.of(result) for result in started.scope_results],
    )


@router.post("/authorize", response_model=AuthorizeResponse)
async def authorize(body: AuthorizeRequestBody, ctx: Ctx, project: ConsumerProject) -> AuthorizeResponse:
    authorized = await ctx.run(
        project, authorization.authorize, body.authorize_request(), consent_granted=body.consent_granted
    )
    return AuthorizeResponse(
        request_id=ctx.request_id,
        redirect_uri=authorized.redirect_uri,
        authorization_code=authorized.authorization_code,
    )
