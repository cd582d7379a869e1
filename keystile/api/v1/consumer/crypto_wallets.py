"""`/v1/crypto_wallets`: sign in with an Ethereum or Solana wallet (start, authenticate)."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas import crypto_wallets as schemas
from keystile.api.schemas.sessions import session_request
from keystile.factors.crypto_wallets import service

router = APIRouter(prefix="/v1/crypto_wallets", tags=["crypto_wallets"])


@router.post("/authenticate/start", response_model=schemas.AuthenticateStartResponse)
async def authenticate_start(
    body: schemas.AuthenticateStartRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.AuthenticateStartResponse:
    started = await ctx.run(
        project,
        service.authenticate_start,
        wallet_type=body.crypto_wallet_type,
        address=body.crypto_wallet_address,
        user_id=body.user_id,
        siwe=body.siwe_params.to_request(ctx.now) if body.siwe_params is not None else None,
    )
    return schemas.AuthenticateStartResponse(
        request_id=ctx.request_id,
        user_id=started.user_id,
        challenge=started.challenge,
        user_created=started.user_created,
    )


@router.post("/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.AuthenticateResponse:
    result = await ctx.run(
        project,
        service.authenticate,
        wallet_type=body.crypto_wallet_type,
        address=body.crypto_wallet_address,
        signature=body.signature,
        session_request=session_request(body),
    )
    return schemas.authenticated(ctx.request_id, result)
