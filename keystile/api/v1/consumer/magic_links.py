"""`/v1/magic_links`: email magic links (login_or_create, send, invite, revoke_invite),
embeddable magic links, and authenticate."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import magic_links as schemas
from keystile.api.schemas.sessions import authenticated_fields, session_request
from keystile.factors.magic_links import service
from keystile.identity.service import NewUser

router = APIRouter(prefix="/v1/magic_links", tags=["magic links"])


@router.post("/email/login_or_create", response_model=schemas.LoginOrCreateResponse, dependencies=[Sends])
async def login_or_create(
    body: schemas.LoginOrCreateRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.LoginOrCreateResponse:
    sent = await ctx.run(
        project,
        service.login_or_create,
        email=body.email,
        create_user_as_pending=body.create_user_as_pending,
        options=body.link_options(),
    )
    return schemas.LoginOrCreateResponse(
        request_id=ctx.request_id,
        user_id=sent.user_id,
        email_id=sent.email_id,
        user_created=sent.user_created,
    )


@router.post("/email/send", response_model=schemas.SendResponse, dependencies=[Sends])
async def send(body: schemas.SendRequest, ctx: Ctx, project: ConsumerProject) -> schemas.SendResponse:
    sent = await ctx.run(project, service.send, email=body.email, options=body.link_options())
    return schemas.SendResponse(request_id=ctx.request_id, user_id=sent.user_id, email_id=sent.email_id)


@router.post("/email/invite", response_model=schemas.SendResponse, dependencies=[Sends])
async def invite(body: schemas.InviteRequest, ctx: Ctx, project: ConsumerProject) -> schemas.SendResponse:
    new_user = body.to_domain(NewUser, only=("name", "trusted_metadata", "untrusted_metadata", "roles"))
    sent = await ctx.run(
        project, service.invite, email=body.email, new_user=new_user, options=body.link_options()
    )
    return schemas.SendResponse(request_id=ctx.request_id, user_id=sent.user_id, email_id=sent.email_id)


@router.post("/email/revoke_invite", response_model=schemas.RevokeInviteResponse)
async def revoke_invite(
    body: schemas.RevokeInviteRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.RevokeInviteResponse:
    await ctx.run(project, service.revoke_invite, email=body.email)
    return schemas.RevokeInviteResponse(request_id=ctx.request_id)


@router.post("", response_model=schemas.CreateResponse)
async def create(body: schemas.CreateRequest, ctx: Ctx, project: ConsumerProject) -> schemas.CreateResponse:
    token = await ctx.run(
        project, service.create_embeddable, user_id=body.user_id, expiration_minutes=body.expiration_minutes
    )
    return schemas.CreateResponse(request_id=ctx.request_id, user_id=body.user_id, token=token)


@router.post("/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.AuthenticateResponse:
    result = await ctx.run(
        project,
        service.authenticate,
        token=body.token,
        code_verifier=body.code_verifier,
        session_request=session_request(body),
    )
    return schemas.AuthenticateResponse(
        request_id=ctx.request_id,
        method_id=result.method_id,
        **authenticated_fields(result.user, result.issued),
    )
