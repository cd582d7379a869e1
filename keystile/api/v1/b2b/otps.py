"""`/v1/b2b/otps`: passcodes by SMS (send, authenticate: a second factor) and by email (login_or_signup,
authenticate, discovery send and authenticate). Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import b2b_otps as schemas
from keystile.api.schemas.b2b_discovery import discovery_fields
from keystile.api.schemas.b2b_magic_links import (
    AuthenticateResponse,
    DiscoveryAuthenticateResponse,
    DiscoverySendResponse,
    LoginOrSignupResponse,
)
from keystile.api.schemas.b2b_mfa import MemberAnswer, SecondFactorResponse
from keystile.api.schemas.b2b_organizations import member_fields
from keystile.api.schemas.b2b_sessions import entry_fields
from keystile.api.schemas.sessions import session_request
from keystile.api.v1.b2b.totps import second_factor_fields
from keystile.b2b.otps import service
from keystile.clock import rfc3339

router = APIRouter(prefix="/v1/b2b/otps", tags=["b2b otps"])


@router.post("/sms/send", response_model=MemberAnswer, dependencies=[Sends])
async def send_sms(body: schemas.SmsSendRequest, ctx: Ctx, project: B2BProject) -> MemberAnswer:
    sent = await ctx.run(
        project,
        service.send_sms,
        organization_ref=body.organization_id,
        member_ref=body.member_id,
        mfa_phone_number=body.mfa_phone_number,
        intermediate_session_token=body.intermediate_session_token,
        credentials=body.credentials(),
    )
    return MemberAnswer(request_id=ctx.request_id, **member_fields(sent.member))


@router.post("/sms/authenticate", response_model=SecondFactorResponse, dependencies=[Attempts])
async def authenticate_sms(
    body: schemas.SmsAuthenticateRequest, ctx: Ctx, project: B2BProject
) -> SecondFactorResponse:
    done = await ctx.run(project, service.authenticate_sms, body.second_factor(), code=body.code)
    return SecondFactorResponse(request_id=ctx.request_id, **second_factor_fields(done.member, done.issued))


@router.post("/email/login_or_signup", response_model=LoginOrSignupResponse, dependencies=[Sends])
async def login_or_signup(
    body: schemas.EmailLoginOrSignupRequest, ctx: Ctx, project: B2BProject
) -> LoginOrSignupResponse:
    sent = await ctx.run(
        project,
        service.login_or_signup,
        organization_ref=body.organization_id,
        email=body.email_address,
        login_minutes=body.login_expiration_minutes,
        signup_minutes=body.signup_expiration_minutes,
    )
    return LoginOrSignupResponse(
        request_id=ctx.request_id,
        member_created=sent.member_created,
        **member_fields(sent.member),
    )


@router.post("/email/authenticate", response_model=AuthenticateResponse, dependencies=[Attempts])
async def authenticate_email(
    body: schemas.EmailAuthenticateRequest, ctx: Ctx, project: B2BProject
) -> AuthenticateResponse:
    entry = await ctx.run(
        project,
        service.authenticate_email,
        organization_ref=body.organization_id,
        email=body.email_address,
        code=body.code,
        request=session_request(body),
        intermediate_session_token=body.intermediate_session_token,
    )
    return AuthenticateResponse(
        request_id=ctx.request_id,
        method_id=entry.member.member.email_id,
        organization_id=entry.member.member.organization_id,
        **entry_fields(entry),
    )


@router.post("/email/discovery/send", response_model=DiscoverySendResponse, dependencies=[Sends])
async def send_discovery(
    body: schemas.DiscoverySendRequest, ctx: Ctx, project: B2BProject
) -> DiscoverySendResponse:
    await ctx.run(
        project,
        service.send_discovery,
        email=body.email_address,
        expiration_minutes=body.discovery_expiration_minutes,
    )
    return DiscoverySendResponse(request_id=ctx.request_id)


@router.post(
    "/email/discovery/authenticate", response_model=DiscoveryAuthenticateResponse, dependencies=[Attempts]
)
async def authenticate_discovery(
    body: schemas.DiscoveryAuthenticateRequest, ctx: Ctx, project: B2BProject
) -> DiscoveryAuthenticateResponse:
    found = await ctx.run(project, service.authenticate_discovery, email=body.email_address, code=body.code)
    ist = found.intermediate
    return DiscoveryAuthenticateResponse(
        request_id=ctx.request_id,
        intermediate_session_token=ist.token if ist is not None else "",
        intermediate_session_token_expires_at=rfc3339(ist.expires_at) if ist is not None else None,
        **discovery_fields(found),
    )
