"""`/v1/passwords`: create, authenticate, strength_check, migrate, and resets by email, by existing
password and by session. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter, Request

from keystile.api.auth import ProjectAuth
from keystile.api.errors import request_id
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import passwords as schemas
from keystile.api.schemas.sessions import session_out, session_request
from keystile.api.schemas.users import user_out
from keystile.api.state import app_state
from keystile.db.uow import unit_of_work
from keystile.factors.passwords import service
from keystile.factors.passwords.hashes import Argon2Parameters
from keystile.identity.service import NewUser
from keystile.sessions.service import SessionRequest

router = APIRouter(prefix="/v1/passwords", tags=["passwords"])


def _session_response(request: Request, result: service.PasswordSession) -> schemas.SessionResponse:
    issued = result.issued
    return schemas.SessionResponse(
        request_id=request_id(request),
        user_id=result.user.user.user_id,
        session_token=issued.session_token,
        session_jwt=issued.session_jwt,
        user=user_out(result.user),
        session=session_out(issued.session, issued.roles) if issued.session is not None else None,
    )


def _parameters(request: Request) -> Argon2Parameters:
    return Argon2Parameters.from_settings(app_state(request).settings)


@router.post("", response_model=schemas.CreateResponse)
async def create(
    body: schemas.CreateRequest, request: Request, project: ProjectAuth
) -> schemas.CreateResponse:
    state = app_state(request)
    profile = NewUser(
        name=body.name.model_dump() if body.name is not None else None,
        trusted_metadata=body.trusted_metadata,
        untrusted_metadata=body.untrusted_metadata,
    )
    session_request = SessionRequest(
        duration_minutes=body.session_duration_minutes, custom_claims=body.session_custom_claims
    )
    async with unit_of_work(state.sessions) as db:
        result = await service.create(
            db,
            state.keys,
            project_id=project.project_id,
            email=body.email,
            password=body.password,
            profile=profile,
            session_request=session_request,
            parameters=_parameters(request),
            now=state.clock.now(),
        )
    answer = _session_response(request, result)
    return schemas.CreateResponse(**answer.model_dump(), email_id=result.email_id)


@router.post("/authenticate", response_model=schemas.SessionResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, request: Request, project: ProjectAuth
) -> schemas.SessionResponse:
    state = app_state(request)
    async with unit_of_work(state.sessions) as db:
        result = await service.authenticate(
            db,
            state.keys,
            project_id=project.project_id,
            email=body.email,
            password=body.password,
            session_request=session_request(body),
            parameters=_parameters(request),
            now=state.clock.now(),
        )
    return _session_response(request, result)


@router.post("/strength_check", response_model=schemas.StrengthCheckResponse)
async def strength_check(
    body: schemas.StrengthCheckRequest, request: Request, project: ProjectAuth
) -> schemas.StrengthCheckResponse:
    async with unit_of_work(app_state(request).sessions) as db:
        checked = await service.strength_check(
            db, project_id=project.project_id, password=body.password, email=body.email
        )
    report = checked.report
    luds = report.luds
    return schemas.StrengthCheckResponse(
        request_id=request_id(request),
        valid_password=checked.valid,
        score=report.score,
        breached_password=checked.breached,
        strength_policy=checked.rules.strength_policy,
        breach_detection_on_create=checked.rules.breach_detection_on_create,
        feedback=schemas.FeedbackOut(
            warning=report.warning,
            suggestions=report.suggestions,
            luds_requirements=schemas.LudsRequirementsOut(**vars(luds)) if luds is not None else None,
        ),
    )


@router.post("/migrate", response_model=schemas.MigrateResponse)
async def migrate(
    body: schemas.MigrateRequest, request: Request, project: ProjectAuth
) -> schemas.MigrateResponse:
    state = app_state(request)
    profile = NewUser(
        phone_number=body.phone_number,
        name=body.name.model_dump() if body.name is not None else None,
        trusted_metadata=body.trusted_metadata,
        untrusted_metadata=body.untrusted_metadata,
        external_id=body.external_id,
        roles=body.roles,
    )
    async with unit_of_work(state.sessions) as db:
        migrated = await service.migrate(
            db,
            project_id=project.project_id,
            email=body.email,
            hash_type=body.hash_type,
            hash_text=body.hash,
            hash_config=body.hash_config(),
            profile=profile,
            set_email_verified=body.set_email_verified,
            set_phone_number_verified=body.set_phone_number_verified,
            now=state.clock.now(),
        )
    return schemas.MigrateResponse(
        request_id=request_id(request),
        user_id=migrated.user.user.user_id,
        email_id=migrated.email_id,
        user_created=migrated.user_created,
        user=user_out(migrated.user),
    )


@router.post("/email/reset/start", response_model=schemas.ResetStartResponse, dependencies=[Sends])
async def reset_start(
    body: schemas.ResetStartRequest, request: Request, project: ProjectAuth
) -> schemas.ResetStartResponse:
    state = app_state(request)
    async with unit_of_work(state.sessions) as db:
        user_id, email_id = await service.reset_start(
            db,
            project_id=project.project_id,
            email=body.email,
            redirect_url=body.reset_password_redirect_url,
            expiration_minutes=body.reset_password_expiration_minutes,
            code_challenge=body.code_challenge,
            now=state.clock.now(),
        )
    state.wake_outbox()
    return schemas.ResetStartResponse(request_id=request_id(request), user_id=user_id, email_id=email_id)


@router.post("/email/reset", response_model=schemas.SessionResponse)
async def reset_by_email(
    body: schemas.EmailResetRequest, request: Request, project: ProjectAuth
) -> schemas.SessionResponse:
    state = app_state(request)
    async with unit_of_work(state.sessions) as db:
        result = await service.reset_by_email(
            db,
            state.keys,
            project_id=project.project_id,
            token=body.token,
            password=body.password,
            code_verifier=body.code_verifier,
            session_request=session_request(body),
            parameters=_parameters(request),
            now=state.clock.now(),
        )
    return _session_response(request, result)


@router.post("/existing_password/reset", response_model=schemas.SessionResponse)
async def reset_existing(
    body: schemas.ExistingPasswordResetRequest, request: Request, project: ProjectAuth
) -> schemas.SessionResponse:
    state = app_state(request)
    async with unit_of_work(state.sessions) as db:
        result = await service.reset_existing(
            db,
            state.keys,
            project_id=project.project_id,
            email=body.email,
            existing_password=body.existing_password,
            new_password=body.new_password,
            session_request=session_request(body),
            parameters=_parameters(request),
            now=state.clock.now(),
        )
    return _session_response(request, result)


@router.post("/session/reset", response_model=schemas.SessionResponse)
async def reset_by_session(
    body: schemas.SessionResetRequest, request: Request, project: ProjectAuth
) -> schemas.SessionResponse:
    state = app_state(request)
    async with unit_of_work(state.sessions) as db:
        result = await service.reset_by_session(
            db,
            state.keys,
            project_id=project.project_id,
            password=body.password,
            session_request=session_request(body),
            parameters=_parameters(request),
            now=state.clock.now(),
        )
    return _session_response(request, result)
