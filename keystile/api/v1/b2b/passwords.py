"""`/v1/b2b/passwords`: authenticate, strength_check and migrate. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx, RequestContext
from keystile.api.limits import Attempts
from keystile.api.schemas import b2b_passwords as schemas
from keystile.api.schemas.b2b_organizations import member_out, organization_out
from keystile.api.schemas.b2b_sessions import entry_fields
from keystile.api.schemas.passwords import LudsRequirementsOut, strength_verdict
from keystile.api.schemas.sessions import session_request
from keystile.b2b.members import NewMember
from keystile.b2b.passwords import service
from keystile.credentials.hashes import Argon2Parameters

router = APIRouter(prefix="/v1/b2b/passwords", tags=["b2b passwords"])
# What migrate sets on a member it adds.
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
    checked = await ctx.run(project, service.strength_check, password=body.password, email=body.email_address)
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
    new = body.to_domain(
        NewMember,
        only=("name", "trusted_metadata", "untrusted_metadata", "roles", "mfa_phone_number", "external_id"),
    )
    migrated = await ctx.run(
        project,
        service.migrate,
        organization_ref=body.organization_id,
        email=body.email_address,
        hash_type=body.hash_type,
        hash_text=body.hash,
        hash_config=body.hash_config(),
        new=new,
    )
    return schemas.MigrateResponse(
        request_id=ctx.request_id,
        member_id=migrated.member.member.member_id,
        member_created=migrated.member_created,
        member=member_out(migrated.member),
        organization=organization_out(migrated.member.organization),
    )
