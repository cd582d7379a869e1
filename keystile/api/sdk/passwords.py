"""`/sdk/v1` passwords, as the pre-built UI's password flow calls them: `users/search` (has the typed
address an account, and a password?), then create or authenticate, the strength check while a new
password is typed, and the three resets. Each route admits the call through the SDK gate and runs the
`/v1` handler on the body as a browser may send it, limited as that handler is; a session-bound reset
acts on the caller's session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import passwords as schemas
from keystile.api.sdk.gate import SdkCaller, browser_body, data, sdk_gate
from keystile.api.v1.consumer import passwords
from keystile.factors.passwords import service

router = APIRouter(prefix="/sdk/v1", tags=["frontend SDK"])

Passwords = sdk_gate("passwords")
PasswordsCreatingUsers = sdk_gate("passwords", "create_users")


@router.post("/users/search", dependencies=[Depends(Passwords), Attempts])
async def user_search(
    body: schemas.UserSearchRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Passwords)]
) -> JSONResponse:
    """Only `userType` (`new`, `password` or `passwordless`), as Stytch answers; counted as an attempt
    per IP, since it tells whether an address has an account."""
    kind = await ctx.run(caller.project, service.account_kind, email=body.email)
    return data(schemas.UserSearchResponse(request_id=ctx.request_id, user_type=kind))


@router.post("/passwords", dependencies=[Depends(PasswordsCreatingUsers)])
async def password_create(
    body: schemas.CreateRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(PasswordsCreatingUsers)],
) -> JSONResponse:
    return data(await passwords.create(browser_body(body, caller), ctx, caller.project))


@router.post("/passwords/authenticate", dependencies=[Depends(Passwords), Attempts])
async def password_authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Passwords)]
) -> JSONResponse:
    return data(await passwords.authenticate(browser_body(body, caller), ctx, caller.project))


@router.post("/passwords/strength_check", dependencies=[Depends(Passwords)])
async def password_strength_check(
    body: schemas.StrengthCheckRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Passwords)]
) -> JSONResponse:
    return data(await passwords.strength_check(body, ctx, caller.project))


@router.post("/passwords/email/reset/start", dependencies=[Depends(Passwords), Sends])
async def password_reset_start(
    body: schemas.ResetStartRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Passwords)]
) -> JSONResponse:
    """The reset link goes to `reset_password_redirect_url`, which must be among the project's redirect
    URLs (its default reset URL when the SDK sends none)."""
    return data(await passwords.reset_start(body, ctx, caller.project))


@router.post("/passwords/email/reset", dependencies=[Depends(Passwords)])
async def password_reset_by_email(
    body: schemas.EmailResetRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Passwords)]
) -> JSONResponse:
    return data(await passwords.reset_by_email(browser_body(body, caller), ctx, caller.project))


@router.post("/passwords/existing_password/reset", dependencies=[Depends(Passwords)])
async def password_reset_existing(
    body: schemas.ExistingPasswordResetRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Passwords)]
) -> JSONResponse:
    return data(await passwords.reset_existing(browser_body(body, caller), ctx, caller.project))


@router.post("/passwords/session/reset", dependencies=[Depends(Passwords)])
async def password_reset_by_session(
    body: schemas.SessionResetRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Passwords)]
) -> JSONResponse:
    """A new password for the user of the caller's session (`session_not_found` without one)."""
    caller.required_session()
    return data(await passwords.reset_by_session(browser_body(body, caller), ctx, caller.project))
