"""`/v1/b2b/organizations/{organization_id}/connected_apps` and the members' ones: the Connected Apps
an organization's members have granted access, and revoking a member's. Each handler calls one
service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas.connected_apps import (
    GrantedAppsResponse,
    OrganizationAppResponse,
    OrganizationAppsResponse,
    RevokeGrantResponse,
    granted_apps_response,
    organization_app_out,
    organization_app_response,
)
from keystile.api.schemas.ids import ConnectedAppId, MemberId, OrganizationId
from keystile.connected_apps import consent

router = APIRouter(prefix="/v1/b2b/organizations/{organization_id}", tags=["b2b connected_apps"])


@router.get("/connected_apps", response_model=OrganizationAppsResponse)
async def organization_apps(
    organization_id: OrganizationId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> OrganizationAppsResponse:
    apps = await ctx.run(project, consent.organization_apps, organization_id, acting=acting)
    return OrganizationAppsResponse(
        request_id=ctx.request_id, connected_apps=[organization_app_out(app) for app in apps]
    )


@router.get("/connected_apps/{connected_app_id}", response_model=OrganizationAppResponse)
async def organization_app(
    organization_id: OrganizationId,
    connected_app_id: ConnectedAppId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> OrganizationAppResponse:
    client, given = await ctx.run(
        project, consent.organization_app, organization_id, connected_app_id, acting=acting
    )
    return organization_app_response(ctx.request_id, client, given)


@router.get("/members/{member_id}/connected_apps", response_model=GrantedAppsResponse)
async def member_apps(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> GrantedAppsResponse:
    granted = await ctx.run(project, consent.member_apps, organization_id, member_id, acting=acting)
    return granted_apps_response(ctx.request_id, granted)


@router.post(
    "/members/{member_id}/connected_apps/{connected_app_id}/revoke", response_model=RevokeGrantResponse
)
async def revoke_member_app(
    organization_id: OrganizationId,
    member_id: MemberId,
    connected_app_id: ConnectedAppId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> RevokeGrantResponse:
    await ctx.run(
        project, consent.revoke_member_app, organization_id, member_id, connected_app_id, acting=acting
    )
    return RevokeGrantResponse(request_id=ctx.request_id)
