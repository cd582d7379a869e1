"""`/v1/b2b/sessions`: member sessions (authenticate, get, revoke, exchange) and the public JWKS. Each
handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts, SessionChecks
from keystile.api.schemas.b2b_organizations import member_out, organization_out
from keystile.api.schemas.b2b_sessions import (
    AttestMemberRequest,
    AuthenticateMemberSessionRequest,
    AuthenticateMemberSessionResponse,
    EntryResponse,
    ExchangeMemberSessionRequest,
    GetMemberSessionsResponse,
    MemberSessionAnswer,
    MigrateMemberSessionRequest,
    RevokeMemberSessionRequest,
    RevokeMemberSessionResponse,
    entry_fields,
    member_session_answer,
    member_session_out,
)
from keystile.api.schemas.ids import MemberId, OrganizationId
from keystile.api.schemas.sessions import (
    ExchangeAccessTokenRequest,
    JWKSResponse,
    new_session_request,
    session_request,
)
from keystile.api.v1.consumer.sessions import get_jwks
from keystile.b2b import admission, external_sessions, sessions
from keystile.idp import session_exchange
from keystile.sessions.types import MemberCredentials

router = APIRouter(prefix="/v1/b2b/sessions", tags=["b2b sessions"])
# The same keys sign consumer and member sessions: one handler serves both JWKS paths, without auth.
router.add_api_route("/jwks/{project_id}", get_jwks, methods=["GET"], response_model=JWKSResponse)


@router.post("/authenticate", response_model=AuthenticateMemberSessionResponse, dependencies=[SessionChecks])
async def authenticate_session(
    body: AuthenticateMemberSessionRequest, ctx: Ctx, project: B2BProject
) -> AuthenticateMemberSessionResponse:
    found = await ctx.run(
        project,
        sessions.authenticate,
        credentials=MemberCredentials(body.session_token, body.session_jwt),
        duration_minutes=body.session_duration_minutes,
        custom_claims=body.session_custom_claims,
        authorization_check=body.authorization_check.check() if body.authorization_check else None,
    )
    return AuthenticateMemberSessionResponse(
        request_id=ctx.request_id,
        member_session=member_session_out(found.issued),
        session_token=found.issued.session_token,
        session_jwt=found.issued.session_jwt,
        member=member_out(found.member, found.roles),
        organization=organization_out(found.member.organization),
        verdict=found.verdict.document() if found.verdict is not None else None,
    )


@router.post("/attest", response_model=MemberSessionAnswer, dependencies=[Attempts])
async def attest_session(body: AttestMemberRequest, ctx: Ctx, project: B2BProject) -> MemberSessionAnswer:
    """A trusted auth token, verified by its profile, for a session of the member it names."""
    found = await ctx.run(
        project,
        external_sessions.attest,
        profile_id=body.profile_id,
        token=body.token,
        organization_id=body.organization_id,
        request=session_request(body),
    )
    return member_session_answer(ctx.request_id, found)


@router.post("/migrate", response_model=MemberSessionAnswer, dependencies=[Attempts])
async def migrate_session(
    body: MigrateMemberSessionRequest, ctx: Ctx, project: B2BProject
) -> MemberSessionAnswer:
    """A former provider's token, named by its userinfo endpoint, for a session of the member."""
    found = await ctx.run(
        project,
        external_sessions.migrate,
        session_token=body.session_token,
        organization_id=body.organization_id,
        request=new_session_request(body),
    )
    return member_session_answer(ctx.request_id, found)


@router.post("/exchange_access_token", response_model=MemberSessionAnswer, dependencies=[Attempts])
async def exchange_access_token(
    body: ExchangeAccessTokenRequest, ctx: Ctx, project: B2BProject
) -> MemberSessionAnswer:
    """A first-party Connected App's `full_access` access token, once, for a session of its member."""
    found = await ctx.run(
        project,
        session_exchange.member_session,
        access_token=body.access_token,
        request=new_session_request(body),
    )
    return member_session_answer(ctx.request_id, found)


@router.get("", response_model=GetMemberSessionsResponse)
async def get_sessions(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject
) -> GetMemberSessionsResponse:
    found = await ctx.run(
        project, sessions.list_sessions, organization_ref=organization_id, member_ref=member_id
    )
    return GetMemberSessionsResponse(
        request_id=ctx.request_id, member_sessions=[member_session_out(issued) for issued in found]
    )


@router.post("/revoke", response_model=RevokeMemberSessionResponse)
async def revoke_session(
    body: RevokeMemberSessionRequest, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> RevokeMemberSessionResponse:
    await ctx.run(
        project,
        sessions.revoke,
        member_session_id=body.member_session_id,
        credentials=MemberCredentials(body.session_token, body.session_jwt),
        member_id=body.member_id,
        acting=acting,
    )
    return RevokeMemberSessionResponse(request_id=ctx.request_id)


@router.post("/exchange", response_model=EntryResponse)
async def exchange_session(
    body: ExchangeMemberSessionRequest, ctx: Ctx, project: B2BProject
) -> EntryResponse:
    session_request = new_session_request(body)
    entry = await ctx.run(
        project,
        admission.exchange_session,
        credentials=MemberCredentials(body.session_token, body.session_jwt),
        organization_ref=body.organization_id,
        request=session_request,
    )
    return EntryResponse(request_id=ctx.request_id, **entry_fields(entry))
