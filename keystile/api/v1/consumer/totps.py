"""`/v1/totps`: TOTP authenticator apps (create, authenticate) and their recovery codes (list, recover)."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas import totps as schemas
from keystile.api.schemas.sessions import session_request
from keystile.api.schemas.users import user_out
from keystile.factors.totp import service

router = APIRouter(prefix="/v1/totps", tags=["totps"])


@router.post("", response_model=schemas.CreateResponse)
async def create(body: schemas.CreateRequest, ctx: Ctx, project: ProjectAuth) -> schemas.CreateResponse:
    created = await ctx.run(
        project, service.create, user_id=body.user_id, expiration_minutes=body.expiration_minutes
    )
    return schemas.CreateResponse(
        request_id=ctx.request_id,
        totp_id=created.totp_id,
        secret=created.secret,
        qr_code=created.qr_code,
        recovery_codes=created.recovery_codes,
        user=user_out(created.user),
        user_id=created.user.user.user_id,
    )


@router.post("/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.AuthenticateResponse:
    result = await ctx.run(
        project,
        service.authenticate,
        user_id=body.user_id,
        totp_code=body.totp_code,
        session_request=session_request(body),
    )
    return schemas.authenticated(ctx.request_id, result)


@router.post("/recovery_codes", response_model=schemas.RecoveryCodesResponse)
async def recovery_codes(
    body: schemas.RecoveryCodesRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.RecoveryCodesResponse:
    user_id, totps = await ctx.run(project, service.recovery_codes, user_id=body.user_id)
    return schemas.RecoveryCodesResponse(
        request_id=ctx.request_id,
        user_id=user_id,
        totps=[schemas.TotpOut(totp_id=t.totp_id, verified=t.verified, recovery_codes=[]) for t in totps],
    )


@router.post("/recover", response_model=schemas.AuthenticateResponse)
async def recover(
    body: schemas.RecoverRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.AuthenticateResponse:
    result = await ctx.run(
        project,
        service.recover,
        user_id=body.user_id,
        recovery_code=body.recovery_code,
        session_request=session_request(body),
    )
    return schemas.authenticated(ctx.request_id, result)
