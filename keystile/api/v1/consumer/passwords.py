"""`/v1/passwords`: create, authenticate, strength_check, migrate, and resets by email, by existing
password and by session. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx, RequestContext
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import passwords as schemas
from keystile.api.schemas.sessions import authenticated_fields, new_session_request, session_request
from keystile.api.schemas.users import user_out
from keystile.credentials import checks
from keystile.credentials.hashes import Argon2Parameters
from keystile.factors.passwords import service
from keystile.identity.service import NewUser

router = APIRouter(prefix="/v1/passwords", tags=["passwords"])


def _session_response(ctx: RequestContext, result: service.PasswordSession) -> schemas.SessionResponse:
    return schemas.SessionResponse(
        request_id=ctx.request_id, **authenticated_fields(result.user, result.issued)
    )


def _parameters(ctx: RequestContext) -> Argon2Parameters:
    return Argon2Parameters.from_settings(ctx.state.settings)


@router.post("", response_model=schemas.CreateResponse)
async def create(body: schemas.CreateRequest, ctx: Ctx, project: ProjectAuth) -> schemas.CreateResponse:
    profile = body.to_domain(NewUser, only=("name", "trusted_metadata", "untrusted_metadata"))
    session_request = new_session_request(body)
    result = await ctx.run(
        project,
        service.create,
        email=body.email,
        password=body.password,
        profile=profile,
        session_request=session_request,
        parameters=_parameters(ctx),
    )
    answer = _session_response(ctx, result)
    return schemas.CreateResponse(**answer.model_dump(), email_id=result.email_id)


@router.post("/authenticate", response_model=schemas.SessionResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.SessionResponse:
    result = await ctx.run(
        project,
        service.authenticate,
        email=body.email,
        password=body.password,
        session_request=session_request(body),
        parameters=_parameters(ctx),
    )
    return _session_response(ctx, result)


@router.post("/strength_check", response_model=schemas.StrengthCheckResponse)
async def strength_check(
    body: schemas.StrengthCheckRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.StrengthCheckResponse:
    checked = await ctx.run(project, checks.project_strength_check, password=body.password, email=body.email)
    report = checked.report
    luds = report.luds
    return schemas.StrengthCheckResponse(
        request_id=ctx.request_id,
        **schemas.strength_verdict(checked),
        feedback=schemas.FeedbackOut(
            warning=report.warning,
            suggestions=report.suggestions,
            luds_requirements=schemas.LudsRequirementsOut(**vars(luds)) if luds is not None else None,
        ),
    )


@router.post("/migrate", response_model=schemas.MigrateResponse)
async def migrate(body: schemas.MigrateRequest, ctx: Ctx, project: ProjectAuth) -> schemas.MigrateResponse:
    profile = body.to_domain(
        NewUser,
        only=("phone_number", "name", "trusted_metadata", "untrusted_metadata", "external_id", "roles"),
    )
    migrated = await ctx.run(
        project,
        service.migrate,
        email=body.email,
        hash_type=body.hash_type,
        hash_text=body.hash,
        hash_config=body.hash_config(),
        profile=profile,
        set_email_verified=body.set_email_verified,
        set_phone_number_verified=body.set_phone_number_verified,
    )
    return schemas.MigrateResponse(
        request_id=ctx.request_id,
        user_id=migrated.user.user.user_id,
        email_id=migrated.email_id,
        user_created=migrated.user_created,
        user=user_out(migrated.user),
    )


@router.post("/email/reset/start", response_model=schemas.ResetStartResponse, dependencies=[Sends])
async def reset_start(
    body: schemas.ResetStartRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.ResetStartResponse:
    user_id, email_id = await ctx.run(
        project,
        service.reset_start,
        email=body.email,
        redirect_url=body.reset_password_redirect_url,
        expiration_minutes=body.reset_password_expiration_minutes,
        code_challenge=body.code_challenge,
    )
    return schemas.ResetStartResponse(request_id=ctx.request_id, user_id=user_id, email_id=email_id)


@router.post("/email/reset", response_model=schemas.SessionResponse)
async def reset_by_email(
    body: schemas.EmailResetRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.SessionResponse:
    result = await ctx.run(
        project,
        service.reset_by_email,
        token=body.token,
        password=body.password,
        code_verifier=body.code_verifier,
        session_request=session_request(body),
        parameters=_parameters(ctx),
    )
    return _session_response(ctx, result)


@router.post("/existing_password/reset", response_model=schemas.SessionResponse)
async def reset_existing(
    body: schemas.ExistingPasswordResetRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.SessionResponse:
    result = await ctx.run(
        project,
        service.reset_existing,
        email=body.email,
        existing_password=body.existing_password,
        new_password=body.new_password,
        session_request=session_request(body),
        parameters=_parameters(ctx),
    )
    return _session_response(ctx, result)


@router.post("/session/reset", response_model=schemas.SessionResponse)
async def reset_by_session(
    body: schemas.SessionResetRequest, ctx: Ctx, project: ProjectAuth
) -> schemas.SessionResponse:
    result = await ctx.run(
        project,
        service.reset_by_session,
        password=body.password,
        session_request=session_request(body),
        parameters=_parameters(ctx),
    )
    return _session_response(ctx, result)
