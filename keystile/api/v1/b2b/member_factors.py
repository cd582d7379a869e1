"""`/v1/b2b/organizations/{organization_id}/members/...`: deleting a member's MFA phone number, TOTP
and password. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas.b2b_organizations import MemberResponse, member_response
from keystile.api.schemas.ids import MemberId, MemberPasswordId, OrganizationId
from keystile.b2b import member_factors as service

router = APIRouter(prefix="/v1/b2b/organizations", tags=["b2b members"])


@router.delete("/{organization_id}/members/mfa_phone_numbers/{member_id}", response_model=MemberResponse)
async def delete_mfa_phone_number(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> MemberResponse:
    view = await ctx.run(project, service.delete_mfa_phone_number, organization_id, member_id, acting=acting)
    return member_response(view, ctx.request_id)


@router.delete("/{organization_id}/members/passwords/{member_password_id}", response_model=MemberResponse)
async def delete_password(
    organization_id: OrganizationId,
    member_password_id: MemberPasswordId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> MemberResponse:
    view = await ctx.run(
        project, service.delete_member_factor, organization_id, "password", member_password_id, acting=acting
    )
    return member_response(view, ctx.request_id)


@router.delete("/{organization_id}/members/{member_id}/totp", response_model=MemberResponse)
async def delete_totp(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> MemberResponse:
    view = await ctx.run(
        project, service.delete_member_factor, organization_id, "totp", member_id, acting=acting
    )
    return member_response(view, ctx.request_id)
