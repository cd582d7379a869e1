"""`/v1/b2b/passwords`: authenticate, strength_check, migrate, require_reset, resets by email, existing
password and session, and discovery (authenticate, reset by email). Each handler calls one service
function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx, RequestContext
from keystile.api.limits import Attempts, Sends
from keystile.api.schemas import b2b_passwords as schemas
from keystile.api.schemas.b2b_magic_links import DiscoveryAuthenticateResponse, discovery_authenticated
from keystile.api.schemas.b2b_organizations import member_fields, member_out
from keystile.api.schemas.b2b_sessions import EntryResponse, entry_fields
from keystile.api.schemas.common import StytchResponse
from keystile.api.schemas.passwords import LudsRequirementsOut, strength_verdict
from keystile.api.schemas.sessions import session_request
from keystile.b2b.members import NewMember
from keystile.b2b.passwords import discovery, resets, service
from keystile.credentials import checks
from keystile.credentials.hashes import Argon2Parameters
from keystile.sessions.types import MemberCredentials

router = APIRouter(prefix="/v1/b2b/passwords", tags=["b2b passwords"])
# What migrate sets on a member it adds (of these, only roles and mfa_phone_number on one there already).
MIGRATED_MEMBER_FIELDS = (
    "name",
    "trusted_metadata",
    "untrusted_metadata",
    "roles",
    "mfa_phone_number",
    "external_id",
)


def parameters(ctx: RequestContext) -> Argon2Parameters:
    return Argon2Parameters.from_settings(ctx.state.settings)


@router.post("/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: B2BProject
) -> schemas.AuthenticateResponse:
    entry = await ctx.run(
        project,
        service.authenticate,
        organization_ref=body.organization_id,
        email=body.email_address,
        password=body.password,
        request=session_request(body),
        intermediate_session_token=body.intermediate_session_token,
        parameters=parameters(ctx),
    )
    return schemas.AuthenticateResponse(
        request_id=ctx.request_id, organization_id=entry.member.member.organization_id, **entry_fields(entry)
    )


@router.post("/strength_check", response_model=schemas.StrengthCheckResponse)
async def strength_check(
    body: schemas.StrengthCheckRequest, ctx: Ctx, project: B2BProject
) -> schemas.StrengthCheckResponse:
    checked = await ctx.run(
        project, checks.project_strength_check, password=body.password, email=body.email_address
    )
    report, luds = checked.report, checked.report.luds
    return schemas.StrengthCheckResponse(
        request_id=ctx.request_id,
        **strength_verdict(checked),
        luds_feedback=LudsRequirementsOut(**vars(luds)) if luds is not None else None,
        zxcvbn_feedback=(
            schemas.ZxcvbnFeedbackOut(warning=report.warning, suggestions=report.suggestions)
            if luds is None
            else None
        ),
    )


@router.post("/migrate", response_model=schemas.MigrateResponse)
async def migrate(body: schemas.MigrateRequest, ctx: Ctx, project: B2BProject) -> schemas.MigrateResponse:
    new = body.to_domain(NewMember, only=MIGRATED_MEMBER_FIELDS)
    migrated = await ctx.run(
        project,
        service.migrate,
        organization_ref=body.organization_id,
        email=body.email_address,
        hash_type=body.hash_type,
        hash_text=body.hash,
        hash_config=body.hash_config(),
        new=new,
        phone_verified=bool(body.set_phone_number_verified),
        preserve_sessions=bool(body.preserve_existing_sessions),
    )
    return schemas.MigrateResponse(
        request_id=ctx.request_id,
        member_created=migrated.member_created,
        **member_fields(migrated.member),
    )


@router.post("/email/reset/start", response_model=schemas.ResetStartResponse, dependencies=[Sends])
async def reset_start(
    body: schemas.ResetStartRequest, ctx: Ctx, project: B2BProject
) -> schemas.ResetStartResponse:
    member = await ctx.run(
        project,
        resets.reset_start,
        organization_ref=body.organization_id,
        email=body.email_address,
        redirect_url=body.reset_password_redirect_url,
        expiration_minutes=body.reset_password_expiration_minutes,
        code_challenge=body.code_challenge,
    )
    return schemas.ResetStartResponse(
        request_id=ctx.request_id,
        member_id=member.member.member_id,
        member_email_id=member.member.email_id,
        member=member_out(member),
    )


@router.post("/email/require_reset", response_model=schemas.RequireResetResponse)
async def require_reset(
    body: schemas.RequireResetRequest, ctx: Ctx, project: B2BProject
) -> schemas.RequireResetResponse:
    member = await ctx.run(
        project,
        resets.require_reset,
        organization_ref=body.organization_id,
        email=body.email_address,
        member_id=body.member_id,
    )
    return schemas.RequireResetResponse(request_id=ctx.request_id, **member_fields(member))


@router.post("/email/reset", response_model=schemas.EmailResetResponse)
async def reset_by_email(
    body: schemas.EmailResetRequest, ctx: Ctx, project: B2BProject
) -> schemas.EmailResetResponse:
    entry = await ctx.run(
        project,
        resets.reset_by_email,
        token=body.password_reset_token,
        password=body.password,
        code_verifier=body.code_verifier,
        request=session_request(body),
        intermediate_session_token=body.intermediate_session_token,
        parameters=parameters(ctx),
    )
    member = entry.member.member
    return schemas.EmailResetResponse(
        request_id=ctx.request_id,
        member_email_id=member.email_id,
        organization_id=member.organization_id,
        **entry_fields(entry),
    )


@router.post("/existing_password/reset", response_model=EntryResponse)
async def reset_existing(
    body: schemas.ExistingPasswordResetRequest, ctx: Ctx, project: B2BProject
) -> EntryResponse:
    entry = await ctx.run(
        project,
        resets.reset_existing,
        organization_ref=body.organization_id,
        email=body.email_address,
        existing_password=body.existing_password,
        new_password=body.new_password,
        request=session_request(body),
        parameters=parameters(ctx),
    )
    return EntryResponse(request_id=ctx.request_id, **entry_fields(entry))


@router.post("/session/reset", response_model=EntryResponse)
async def reset_by_session(body: schemas.SessionResetRequest, ctx: Ctx, project: B2BProject) -> EntryResponse:
    entry = await ctx.run(
        project,
        resets.reset_by_session,
        organization_ref=body.organization_id,
        password=body.password,
        credentials=MemberCredentials(body.session_token, body.session_jwt),
        request=session_request(body),
        parameters=parameters(ctx),
    )
    return EntryResponse(request_id=ctx.request_id, **entry_fields(entry))


@router.post("/discovery/authenticate", response_model=DiscoveryAuthenticateResponse, dependencies=[Attempts])
async def authenticate_discovery(
    body: schemas.DiscoveryAuthenticateRequest, ctx: Ctx, project: B2BProject
) -> DiscoveryAuthenticateResponse:
    found = await ctx.run(
        project,
        discovery.authenticate,
        email=body.email_address,
        password=body.password,
        parameters=parameters(ctx),
    )
    return discovery_authenticated(ctx.request_id, found)


@router.post("/discovery/email/reset/start", response_model=StytchResponse, dependencies=[Sends])
async def discovery_reset_start(
    body: schemas.DiscoveryResetStartRequest, ctx: Ctx, project: B2BProject
) -> StytchResponse:
    await ctx.run(
        project,
        discovery.reset_start,
        email=body.email_address,
        redirect_url=body.reset_password_redirect_url,
        expiration_minutes=body.reset_password_expiration_minutes,
        code_challenge=body.pkce_code_challenge,
    )
    return StytchResponse(request_id=ctx.request_id)


@router.post("/discovery/email/reset", response_model=DiscoveryAuthenticateResponse)
async def discovery_reset(
    body: schemas.DiscoveryResetRequest, ctx: Ctx, project: B2BProject
) -> DiscoveryAuthenticateResponse:
    found = await ctx.run(
        project,
        discovery.reset,
        token=body.password_reset_token,
        password=body.password,
        code_verifier=body.pkce_code_verifier,
        parameters=parameters(ctx),
    )
    return discovery_authenticated(ctx.request_id, found)
