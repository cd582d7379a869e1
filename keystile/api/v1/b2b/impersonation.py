"""`/v1/b2b/impersonation`: signing in as a member with a token an operator minted
(`keystile members impersonate`)."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas.b2b_sessions import ImpersonationAnswer, member_session_answer
from keystile.api.v1.consumer.impersonation import AuthenticateImpersonationRequest
from keystile.b2b import impersonation

router = APIRouter(prefix="/v1/b2b/impersonation", tags=["b2b impersonation"])


@router.post("/authenticate", response_model=ImpersonationAnswer, dependencies=[Attempts])
async def authenticate(
    body: AuthenticateImpersonationRequest, ctx: Ctx, project: B2BProject
) -> ImpersonationAnswer:
    found = await ctx.run(project, impersonation.authenticate, impersonation_token=body.impersonation_token)
    answer = member_session_answer(ctx.request_id, found)
    return ImpersonationAnswer(
        **answer.model_dump(),
        organization_id=found.member.member.organization_id,
        intermediate_session_token="",
        member_authenticated=True,
    )
