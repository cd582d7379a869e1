"""`/v1/otps`: one-time passcodes by email, SMS and WhatsApp (login_or_create, send), and authenticate."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx, RequestContext
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import otps as schemas
from keystile.api.schemas.magic_links import AuthenticateResponse
from keystile.api.schemas.sessions import authenticated_fields, session_request
from keystile.delivery.models import EMAIL, SMS, WHATSAPP
from keystile.delivery.sms import require_text_transport
from keystile.errors import KeystileError
from keystile.factors.otp import service
from keystile.factors.otp.service import NamedUser, SendOptions, SentCode

router = APIRouter(prefix="/v1/otps", tags=["one-time passcodes"])


def _options(body: schemas.SendOptionsIn) -> SendOptions:
    ip_address = body.attributes.ip_address if body.attributes is not None else None
    return SendOptions(expiration_minutes=body.expiration_minutes, ip_address=ip_address)


def _named(body: schemas.NamedUserIn) -> NamedUser:
    return NamedUser(user_id=body.user_id, session_token=body.session_token, session_jwt=body.session_jwt)


async def _login_or_create(
    ctx: RequestContext,
    project: ProjectAuth,
    *,
    channel: str,
    contact: str,
    create_user_as_pending: bool,
    options: SendOptions,
) -> SentCode:
    return await ctx.run(
        project,
        service.login_or_create,
        channel=channel,
        contact=contact,
        create_user_as_pending=create_user_as_pending,
        options=options,
    )


async def _send(
    ctx: RequestContext,
    project: ProjectAuth,
    *,
    channel: str,
    contact: str,
    named: NamedUser,
    options: SendOptions,
) -> SentCode:
    return await ctx.run(
        project, service.send, channel=channel, contact=contact, named=named, options=options
    )


@router.post(
    "/email/login_or_create", response_model=schemas.EmailLoginOrCreateResponse, dependencies=[Sends]
)
async def email_login_or_create(
    body: schemas.EmailLoginOrCreateRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.EmailLoginOrCreateResponse:
    sent = await _login_or_create(
        ctx,
        project,
        channel=EMAIL,
        contact=body.email,
        create_user_as_pending=body.create_user_as_pending,
        options=_options(body),
    )
    return schemas.EmailLoginOrCreateResponse(
        request_id=ctx.request_id,
        user_id=sent.user_id,
        email_id=sent.method_id,
        user_created=sent.user_created,
    )


@router.post("/email/send", response_model=schemas.EmailSendResponse, dependencies=[Sends])
async def email_send(
    body: schemas.EmailSendRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.EmailSendResponse:
    sent = await _send(
        ctx, project, channel=EMAIL, contact=body.email, named=_named(body), options=_options(body)
    )
    return schemas.EmailSendResponse(request_id=ctx.request_id, user_id=sent.user_id, email_id=sent.method_id)


async def _phone_login_or_create(
    channel: str, body: schemas.PhoneLoginOrCreateRequest, ctx: RequestContext, project: ProjectAuth
) -> schemas.PhoneLoginOrCreateResponse:
    require_text_transport(ctx.state.settings)
    sent = await _login_or_create(
        ctx,
        project,
        channel=channel,
        contact=body.phone_number,
        create_user_as_pending=body.create_user_as_pending,
        options=_options(body),
    )
    return schemas.PhoneLoginOrCreateResponse(
        request_id=ctx.request_id,
        user_id=sent.user_id,
        phone_id=sent.method_id,
        user_created=sent.user_created,
    )


async def _phone_send(
    channel: str, body: schemas.PhoneSendRequest, ctx: RequestContext, project: ProjectAuth
) -> schemas.PhoneSendResponse:
    require_text_transport(ctx.state.settings)
    sent = await _send(
        ctx,
        project,
        channel=channel,
        contact=body.phone_number,
        named=_named(body),
        options=_options(body),
    )
    return schemas.PhoneSendResponse(request_id=ctx.request_id, user_id=sent.user_id, phone_id=sent.method_id)


@router.post("/sms/login_or_create", response_model=schemas.PhoneLoginOrCreateResponse, dependencies=[Sends])
async def sms_login_or_create(
    body: schemas.PhoneLoginOrCreateRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.PhoneLoginOrCreateResponse:
    return await _phone_login_or_create(SMS, body, ctx, project)


@router.post("/sms/send", response_model=schemas.PhoneSendResponse, dependencies=[Sends])
async def sms_send(
    body: schemas.PhoneSendRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.PhoneSendResponse:
    return await _phone_send(SMS, body, ctx, project)


@router.post(
    "/whatsapp/login_or_create", response_model=schemas.PhoneLoginOrCreateResponse, dependencies=[Sends]
)
async def whatsapp_login_or_create(
    body: schemas.PhoneLoginOrCreateRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.PhoneLoginOrCreateResponse:
    return await _phone_login_or_create(WHATSAPP, body, ctx, project)


@router.post("/whatsapp/send", response_model=schemas.PhoneSendResponse, dependencies=[Sends])
async def whatsapp_send(
    body: schemas.PhoneSendRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.PhoneSendResponse:
    return await _phone_send(WHATSAPP, body, ctx, project)


@router.post("/authenticate", response_model=AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: ProjectAuth
) -> AuthenticateResponse:
    if body.options is not None and (
        body.options.ip_match_required or body.options.user_agent_match_required
    ):
        # Answering 200 without the check would read as "matched": refuse until it exists.
        raise KeystileError(
            "invalid_argument",
            "options.ip_match_required and user_agent_match_required are not supported yet.",
        )
    result = await ctx.run(
        project,
        service.authenticate,
        method_id=body.method_id,
        code=body.code,
        session_request=session_request(body),
    )
    return AuthenticateResponse(
        request_id=ctx.request_id,
        method_id=result.method_id,
        **authenticated_fields(result.user, result.issued),
    )
