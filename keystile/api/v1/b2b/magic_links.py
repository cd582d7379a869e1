"""`/v1/b2b/magic_links`: an organization's email magic links (login_or_signup, invite, authenticate)
and discovery links (send, authenticate). Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import b2b_magic_links as schemas
from keystile.api.schemas.b2b_organizations import member_fields
from keystile.api.schemas.b2b_sessions import entry_fields
from keystile.api.schemas.sessions import session_request
from keystile.b2b import discovery, magic_links
from keystile.b2b.members import NewMember

router = APIRouter(prefix="/v1/b2b/magic_links", tags=["b2b magic links"])


@router.post("/email/login_or_signup", response_model=schemas.LoginOrSignupResponse, dependencies=[Sends])
async def login_or_signup(
    body: schemas.LoginOrSignupRequest, ctx: Ctx, project: B2BProject
) -> schemas.LoginOrSignupResponse:
    sent = await ctx.run(
        project,
        magic_links.login_or_signup,
        organization_ref=body.organization_id,
        email=body.email_address,
        options=body.link_options(),
    )
    return schemas.LoginOrSignupResponse(
        request_id=ctx.request_id,
        member_created=sent.member_created,
        **member_fields(sent.member),
    )


@router.post("/email/invite", response_model=schemas.InviteResponse, dependencies=[Sends])
async def invite(
    body: schemas.InviteRequest, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> schemas.InviteResponse:
    new = body.to_domain(NewMember, only=("name", "trusted_metadata", "untrusted_metadata", "roles"))
    member = await ctx.run(
        project,
        magic_links.invite,
        organization_ref=body.organization_id,
        email=body.email_address,
        new=new,
        options=body.link_options(),
        acting=acting,
    )
    return schemas.InviteResponse(
        request_id=ctx.request_id,
        **member_fields(member),
    )


@router.post("/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: B2BProject
) -> schemas.AuthenticateResponse:
    entry = await ctx.run(
        project,
        magic_links.authenticate,
        token=body.magic_links_token,
        code_verifier=body.pkce_code_verifier,
        request=session_request(body),
        intermediate_session_token=body.intermediate_session_token,
    )
    return schemas.AuthenticateResponse(
        request_id=ctx.request_id,
        method_id=entry.member.member.email_id,
        organization_id=entry.member.member.organization_id,
        **entry_fields(entry),
    )


@router.post("/email/discovery/send", response_model=schemas.DiscoverySendResponse, dependencies=[Sends])
async def send_discovery(
    body: schemas.DiscoverySendRequest, ctx: Ctx, project: B2BProject
) -> schemas.DiscoverySendResponse:
    await ctx.run(
        project,
        discovery.send,
        email=body.email_address,
        redirect_url=body.discovery_redirect_url,
        code_challenge=body.pkce_code_challenge,
        expiration_minutes=body.discovery_expiration_minutes,
    )
    return schemas.DiscoverySendResponse(request_id=ctx.request_id)


@router.post(
    "/discovery/authenticate", response_model=schemas.DiscoveryAuthenticateResponse, dependencies=[Attempts]
)
async def authenticate_discovery(
    body: schemas.DiscoveryAuthenticateRequest, ctx: Ctx, project: B2BProject
) -> schemas.DiscoveryAuthenticateResponse:
    found = await ctx.run(
        project,
        discovery.authenticate,
        token=body.discovery_magic_links_token,
        code_verifier=body.pkce_code_verifier,
    )
    return schemas.discovery_authenticated(ctx.request_id, found)
