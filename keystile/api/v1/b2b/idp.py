"""`/v1/b2b/idp/oauth`: the B2B app's authorization page, for a member (named by session, or by
organization_id and member_id): `authorize/start`, then `authorize`."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas.b2b_organizations import member_out, organization_out
from keystile.api.schemas.idp import (
    AuthorizeResponse,
    B2BAuthorizeRequestBody,
    B2BAuthorizeStartRequest,
    B2BAuthorizeStartResponse,
    ConnectedAppPublicOut,
    ScopeResultOut,
)
from keystile.idp import authorization

router = APIRouter(prefix="/v1/b2b/idp/oauth", tags=["connected apps"])


@router.post("/authorize/start", response_model=B2BAuthorizeStartResponse)
async def authorize_start(
    body: B2BAuthorizeStartRequest, ctx: Ctx, project: B2BProject
) -> B2BAuthorizeStartResponse:
    started = await ctx.run(project, authorization.start, body.authorize_request(), vertical="b2b")
    member = started.signed_in.member
    assert member is not None, "a B2B authorization is a member's"
    return B2BAuthorizeStartResponse(
        request_id=ctx.request_id,
        member_id=member.member.member_id,
        member=member_out(member),
        organization=organization_out(member.organization),
        client=ConnectedAppPublicOut.of(started.client),
        consent_required=started.consent_required,
        scope_results=[ScopeResultOut.of(result) for result in started.scope_results],
    )


@router.post("/authorize", response_model=AuthorizeResponse)
async def authorize(body: B2BAuthorizeRequestBody, ctx: Ctx, project: B2BProject) -> AuthorizeResponse:
    authorized = await ctx.run(
        project,
        authorization.authorize,
        body.authorize_request(),
        consent_granted=body.consent_granted,
        vertical="b2b",
    )
    return AuthorizeResponse(
        request_id=ctx.request_id,
        redirect_uri=authorized.redirect_uri,
        authorization_code=authorized.authorization_code,
    )
