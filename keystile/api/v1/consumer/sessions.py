"""`/v1/sessions`: the consumer Sessions API and the public JWKS. Each handler calls one service
function."""

from __future__ import annotations

from fastapi import APIRouter, Response

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx, RequestContext
from keystile.api.limits import Attempts, SessionChecks
from keystile.api.schemas.ids import ProjectId, UserId
from keystile.api.schemas.sessions import (
    AttestRequest,
    AuthenticateSessionRequest,
    AuthenticateSessionResponse,
    ExchangeAccessTokenRequest,
    GetSessionsResponse,
    JWKSResponse,
    MigrateRequest,
    RevokeSessionRequest,
    RevokeSessionResponse,
    SessionAnswer,
    authenticated_fields,
    new_session_request,
    session_out,
    session_request,
)
from keystile.api.schemas.users import user_out
from keystile.factors import sandbox
from keystile.factors.session_migration import service as session_migration
from keystile.factors.trusted_tokens import service as trusted_tokens
from keystile.idp import session_exchange
from keystile.projects.sandbox import SANDBOX_SESSION_TOKEN
from keystile.sessions import service
from keystile.sessions.service import AuthenticatedSession

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


@router.post("/authenticate", response_model=AuthenticateSessionResponse, dependencies=[SessionChecks])
async def authenticate_session(
    body: AuthenticateSessionRequest, ctx: Ctx, project: ConsumerProject
) -> AuthenticateSessionResponse:
    if project.is_test and body.session_token == SANDBOX_SESSION_TOKEN:
        sandboxed = sandbox.authenticated_session(project.project_id, body.session_duration_minutes, ctx.now)
        return _authenticated(ctx, sandboxed)
    async with ctx.work() as db:
        authenticated = await service.authenticate_session(
            db,
            ctx.keys,
            project_id=project.project_id,
            session_token=body.session_token,
            session_jwt=body.session_jwt,
            duration_minutes=body.session_duration_minutes,
            custom_claims=body.session_custom_claims,
            now=ctx.now,
            authorization_check=body.authorization_check.check() if body.authorization_check else None,
            policies=ctx.state.policies,
        )
    return _authenticated(ctx, authenticated)


def _authenticated(ctx: RequestContext, authenticated: AuthenticatedSession) -> AuthenticateSessionResponse:
    return AuthenticateSessionResponse(
        request_id=ctx.request_id,
        session=session_out(authenticated.session, authenticated.roles),
        session_token=authenticated.session_token,
        session_jwt=authenticated.session_jwt,
        user=user_out(authenticated.user),
        verdict=authenticated.verdict.document() if authenticated.verdict is not None else None,
    )


@router.post("/attest", response_model=SessionAnswer, dependencies=[Attempts])
async def attest(body: AttestRequest, ctx: Ctx, project: ConsumerProject) -> SessionAnswer:
    """A trusted auth token, verified by its profile, for a session of the user it names."""
    found = await ctx.run(
        project,
        trusted_tokens.attest,
        profile_id=body.profile_id,
        token=body.token,
        session_request=session_request(body),
    )
    return SessionAnswer(request_id=ctx.request_id, **authenticated_fields(found.user, found.issued))


@router.post("/migrate", response_model=SessionAnswer, dependencies=[Attempts])
async def migrate(body: MigrateRequest, ctx: Ctx, project: ConsumerProject) -> SessionAnswer:
    """A former provider's token, named by its userinfo endpoint, for a session of the user."""
    found = await ctx.run(
        project,
        session_migration.migrate,
        session_token=body.session_token,
        session_request=new_session_request(body),
    )
    return SessionAnswer(request_id=ctx.request_id, **authenticated_fields(found.user, found.issued))


@router.post("/exchange_access_token", response_model=SessionAnswer, dependencies=[Attempts])
async def exchange_access_token(
    body: ExchangeAccessTokenRequest, ctx: Ctx, project: ConsumerProject
) -> SessionAnswer:
    """A first-party Connected App's `full_access` access token, once, for a session of its user."""
    user, issued = await ctx.run(
        project,
        session_exchange.user_session,
        access_token=body.access_token,
        session_request=new_session_request(body),
    )
    return SessionAnswer(request_id=ctx.request_id, **authenticated_fields(user, issued))


@router.get("", response_model=GetSessionsResponse)
async def get_sessions(user_id: UserId, ctx: Ctx, project: ConsumerProject) -> GetSessionsResponse:
    async with ctx.work() as db:
        active = await service.list_sessions(db, project.project_id, user_id, now=ctx.now)
    return GetSessionsResponse(
        request_id=ctx.request_id,
        sessions=[session_out(item.session, item.roles) for item in active],
    )


@router.post("/revoke", response_model=RevokeSessionResponse)
async def revoke_session(
    body: RevokeSessionRequest, ctx: Ctx, project: ConsumerProject
) -> RevokeSessionResponse:
    async with ctx.work() as db:
        await service.revoke_session(
            db,
            ctx.keys,
            project_id=project.project_id,
            session_id=body.session_id,
            session_token=body.session_token,
            session_jwt=body.session_jwt,
            now=ctx.now,
        )
    return RevokeSessionResponse(request_id=ctx.request_id)


@router.get("/jwks/{project_id}", response_model=JWKSResponse)
async def get_jwks(project_id: ProjectId, ctx: Ctx, response: Response) -> JWKSResponse:
    """The project's public signing keys, without authentication (as Stytch serves them)."""
    async with ctx.work() as db:
        keys = await ctx.keys.jwks(db, project_id, ctx.now)
    # max-age matches the server's own key cache: rotation publishes a key for twice that long
    # before it signs (see keystile/sessions/keys.py).
    response.headers["Cache-Control"] = f"public, max-age={int(ctx.state.settings.signing_key_cache_seconds)}"
    return JWKSResponse(request_id=ctx.request_id, keys=keys)
