"""`/v1/impersonation`: signing in as a user with a token an operator minted
(`keystile users impersonate`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas.common import RequestBody
from keystile.api.schemas.sessions import TOKEN_MAX, SessionAnswer, authenticated_fields
from keystile.factors.impersonation import service

router = APIRouter(prefix="/v1/impersonation", tags=["impersonation"])


class AuthenticateImpersonationRequest(RequestBody):
    impersonation_token: str = Field(min_length=1, max_length=TOKEN_MAX)


@router.post("/authenticate", response_model=SessionAnswer, dependencies=[Attempts])
async def authenticate(
    body: AuthenticateImpersonationRequest, ctx: Ctx, project: ConsumerProject
) -> SessionAnswer:
    found = await ctx.run(project, service.authenticate, impersonation_token=body.impersonation_token)
    return SessionAnswer(request_id=ctx.request_id, **authenticated_fields(found.user, found.issued))
