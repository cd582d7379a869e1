"""`/sdk/v1/biometrics`: the mobile SDKs' biometrics calls (register start and finish on the caller's
session; authenticate start and finish, which start a session or add the factor to the caller's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas import biometrics as schemas
from keystile.api.sdk.gate import SdkCaller, data, sdk_gate
from keystile.factors.biometrics import service
from keystile.sessions.types import SessionRequest

router = APIRouter(prefix="/sdk/v1/biometrics", tags=["frontend SDK"])

Biometrics = sdk_gate("biometrics")
Caller = Annotated[SdkCaller, Depends(Biometrics)]


def _session(body: schemas.CompleteRequest, session_token: str | None) -> SessionRequest:
    return SessionRequest(duration_minutes=body.session_duration_minutes, session_token=session_token)


@router.post("/register/start")
async def register_start(body: schemas.StartRequest, ctx: Ctx, caller: Caller) -> JSONResponse:
    started = await ctx.run(
        caller.project,
        service.register_start,
        session_token=caller.required_session(),
        public_key=body.public_key,
    )
    return data(schemas.started(ctx.request_id, started))


@router.post("/register", dependencies=[Depends(Biometrics), Attempts])
async def register(body: schemas.CompleteRequest, ctx: Ctx, caller: Caller) -> JSONResponse:
    result = await ctx.run(
        caller.project,
        service.register,
        biometric_registration_id=body.biometric_registration_id,
        signature=body.signature,
        session_request=_session(body, caller.required_session()),
    )
    return data(schemas.authenticated(ctx.request_id, result))


@router.post("/authenticate/start")
async def authenticate_start(body: schemas.StartRequest, ctx: Ctx, caller: Caller) -> JSONResponse:
    started = await ctx.run(caller.project, service.authenticate_start, public_key=body.public_key)
    return data(schemas.started(ctx.request_id, started))


@router.post("/authenticate", dependencies=[Depends(Biometrics), Attempts])
async def authenticate(body: schemas.CompleteRequest, ctx: Ctx, caller: Caller) -> JSONResponse:
    result = await ctx.run(
        caller.project,
        service.authenticate,
        biometric_registration_id=body.biometric_registration_id,
        signature=body.signature,
        session_request=_session(body, caller.session_token),
    )
    return data(schemas.authenticated(ctx.request_id, result))
