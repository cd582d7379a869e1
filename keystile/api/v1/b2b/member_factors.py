"""`/v1/b2b/organizations/{organization_id}/members/...`: deleting a member's MFA phone number, TOTP
and password. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas.b2b_organizations import MemberResponse, PathRef, member_response
from keystile.b2b import member_factors as service
from keystile.b2b.member_factors import FactorKind

router = APIRouter(prefix="/v1/b2b/organizations", tags=["b2b members"])


@router.delete("/{organization_id}/members/mfa_phone_numbers/{member_id}", response_model=MemberResponse)
async def delete_mfa_phone_number(
    organization_id: PathRef, member_id: PathRef, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> MemberResponse:
    async with ctx.work() as db:
        view = await service.delete_mfa_phone_number(
            db, ctx.keys, project.project_id, organization_id, member_id, acting=acting, now=ctx.now
        )
    return member_response(view, ctx.request_id)


async def _delete_factor(
    ctx: Ctx, project_id: str, organization_id: str, kind: FactorKind, ref: str, acting: ActingMember
) -> MemberResponse:
    async with ctx.work() as db:
        view = await service.delete_member_factor(
            db, ctx.keys, project_id, organization_id, kind, ref, acting=acting, now=ctx.now
        )
    return member_response(view, ctx.request_id)


@router.delete("/{organization_id}/members/passwords/{member_password_id}", response_model=MemberResponse)
async def delete_password(
    organization_id: PathRef,
    member_password_id: PathRef,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> MemberResponse:
    return await _delete_factor(
        ctx, project.project_id, organization_id, "password", member_password_id, acting
    )


@router.delete("/{organization_id}/members/{member_id}/totp", response_model=MemberResponse)
async def delete_totp(
    organization_id: PathRef, member_id: PathRef, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> MemberResponse:
    return await _delete_factor(ctx, project.project_id, organization_id, "totp", member_id, acting)
