"""`/sdk/v1` magic links and OTPs (passwords are in `passwords`): each route admits the call through
the SDK gate, then runs the `/v1` handler on the body as a browser may send it (server-only fields
cleared), with the caller's session as the one a new factor joins. An OTP send also answers
`method_id` (the email or phone the passcode went to), which vanilla-js passes back to
`otps/authenticate`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import magic_links as magic_link_schemas
from keystile.api.schemas import otps as otp_schemas
from keystile.api.sdk.gate import SdkCaller, browser_body, data, sdk_gate
from keystile.api.v1.consumer import magic_links, otps

router = APIRouter(prefix="/sdk/v1", tags=["frontend SDK"])

MagicLinks = sdk_gate("magic_links")
MagicLinksCreatingUsers = sdk_gate("magic_links", "create_users")
Otps = sdk_gate("otps")
OtpsCreatingUsers = sdk_gate("otps", "create_users")


@router.post("/magic_links/email/login_or_create", dependencies=[Depends(MagicLinksCreatingUsers), Sends])
async def magic_link_login_or_create(
    body: magic_link_schemas.LoginOrCreateRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(MagicLinksCreatingUsers)],
) -> JSONResponse:
    return data(await magic_links.login_or_create(browser_body(body, caller), ctx, caller.project))


@router.post("/magic_links/authenticate", dependencies=[Depends(MagicLinks), Attempts])
async def magic_link_authenticate(
    body: magic_link_schemas.AuthenticateRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(MagicLinks)]
) -> JSONResponse:
    return data(await magic_links.authenticate(browser_body(body, caller), ctx, caller.project))


@router.post("/otps/email/login_or_create", dependencies=[Depends(OtpsCreatingUsers), Sends])
async def otp_email_login_or_create(
    body: otp_schemas.EmailLoginOrCreateRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(OtpsCreatingUsers)],
) -> JSONResponse:
    sent = await otps.email_login_or_create(browser_body(body, caller), ctx, caller.project)
    return data({**sent.model_dump(), "method_id": sent.email_id})


@router.post("/otps/sms/login_or_create", dependencies=[Depends(OtpsCreatingUsers), Sends])
async def otp_sms_login_or_create(
    body: otp_schemas.PhoneLoginOrCreateRequest,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(OtpsCreatingUsers)],
) -> JSONResponse:
    sent = await otps.sms_login_or_create(browser_body(body, caller), ctx, caller.project)
    return data({**sent.model_dump(), "method_id": sent.phone_id})


@router.post("/otps/authenticate", dependencies=[Depends(Otps), Attempts])
async def otp_authenticate(
    body: otp_schemas.SdkAuthenticateRequest, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Otps)]
) -> JSONResponse:
    return data(await otps.authenticate(browser_body(body.to_v1(), caller), ctx, caller.project))
