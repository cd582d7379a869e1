"""`/v1/b2b/totp` and `/v1/b2b/recovery_codes`: members' authenticator apps (create, authenticate,
migrate) and recovery codes (recover, get, rotate). Each handler calls one service function."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas import b2b_mfa as schemas
from keystile.api.schemas.b2b_organizations import member_fields
from keystile.api.schemas.b2b_sessions import member_session_out
from keystile.api.schemas.ids import MemberId, OrganizationId
from keystile.b2b.sessions import IssuedMemberSession
from keystile.b2b.totps import recovery_codes, service
from keystile.b2b.views import MemberView

router = APIRouter(tags=["b2b totps"])


def second_factor_fields(member: MemberView, issued: IssuedMemberSession) -> dict[str, Any]:
    """The fields of an answer to a second factor: the member and the session it completed."""
    return {
        **member_fields(member),
        "session_token": issued.session_token,
        "session_jwt": issued.session_jwt,
        "member_session": member_session_out(issued),
    }


@router.post("/v1/b2b/totp", response_model=schemas.CreateTotpResponse)
async def create(
    body: schemas.CreateTotpRequest, ctx: Ctx, project: B2BProject
) -> schemas.CreateTotpResponse:
    created = await ctx.run(
        project,
        service.create,
        organization_ref=body.organization_id,
        member_ref=body.member_id,
        expiration_minutes=body.expiration_minutes,
        intermediate_session_token=body.intermediate_session_token,
        credentials=body.credentials(),
    )
    return schemas.CreateTotpResponse(
        request_id=ctx.request_id,
        totp_registration_id=created.totp_id,
        secret=created.secret,
        qr_code=created.qr_code,
        recovery_codes=created.recovery_codes,
        **member_fields(created.member),
    )


@router.post(
    "/v1/b2b/totp/authenticate", response_model=schemas.SecondFactorResponse, dependencies=[Attempts]
)
async def authenticate(
    body: schemas.AuthenticateTotpRequest, ctx: Ctx, project: B2BProject
) -> schemas.SecondFactorResponse:
    done = await ctx.run(project, service.authenticate, body.second_factor(), code=body.code)
    return schemas.SecondFactorResponse(
        request_id=ctx.request_id, **second_factor_fields(done.member, done.issued)
    )


@router.post("/v1/b2b/totp/migrate", response_model=schemas.MigrateTotpResponse)
async def migrate(
    body: schemas.MigrateTotpRequest, ctx: Ctx, project: B2BProject
) -> schemas.MigrateTotpResponse:
    created = await ctx.run(
        project,
        service.migrate,
        organization_ref=body.organization_id,
        member_ref=body.member_id,
        secret=body.secret,
        recovery_codes=body.recovery_codes,
    )
    return schemas.MigrateTotpResponse(
        request_id=ctx.request_id,
        totp_registration_id=created.totp_id,
        recovery_codes=created.recovery_codes,
        **member_fields(created.member),
    )


@router.post(
    "/v1/b2b/recovery_codes/recover", response_model=schemas.RecoverResponse, dependencies=[Attempts]
)
async def recover(body: schemas.RecoverRequest, ctx: Ctx, project: B2BProject) -> schemas.RecoverResponse:
    done = await ctx.run(
        project, recovery_codes.recover, body.second_factor(), recovery_code=body.recovery_code
    )
    return schemas.RecoverResponse(
        request_id=ctx.request_id,
        recovery_codes_remaining=done.remaining,
        **second_factor_fields(done.member, done.issued),
    )


@router.get(
    "/v1/b2b/recovery_codes/{organization_id}/{member_id}", response_model=schemas.RecoveryCodesResponse
)
async def get(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject
) -> schemas.RecoveryCodesResponse:
    found = await ctx.run(project, recovery_codes.get, organization_ref=organization_id, member_ref=member_id)
    return schemas.RecoveryCodesResponse(
        request_id=ctx.request_id, recovery_codes=found.codes, **member_fields(found.member)
    )


@router.post("/v1/b2b/recovery_codes/rotate", response_model=schemas.RecoveryCodesResponse)
async def rotate(body: schemas.MemberRef, ctx: Ctx, project: B2BProject) -> schemas.RecoveryCodesResponse:
    rotated = await ctx.run(
        project, recovery_codes.rotate, organization_ref=body.organization_id, member_ref=body.member_id
    )
    return schemas.RecoveryCodesResponse(
        request_id=ctx.request_id, recovery_codes=rotated.codes, **member_fields(rotated.member)
    )
