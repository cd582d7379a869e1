"""`/v1/users/{user_id}/connected_apps`: the Connected Apps a user has granted access, and revoking
one. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx
from keystile.api.schemas.connected_apps import (
    GrantedAppsResponse,
    RevokeGrantResponse,
    granted_apps_response,
)
from keystile.api.schemas.ids import ConnectedAppId, UserId
from keystile.connected_apps import consent

router = APIRouter(prefix="/v1/users/{user_id}/connected_apps", tags=["connected_apps"])


@router.get("", response_model=GrantedAppsResponse)
async def user_apps(user_id: UserId, ctx: Ctx, project: ConsumerProject) -> GrantedAppsResponse:
    granted = await ctx.run(project, consent.user_apps, user_id)
    return granted_apps_response(ctx.request_id, granted)


@router.post("/{connected_app_id}/revoke", response_model=RevokeGrantResponse)
async def revoke_user_app(
    user_id: UserId, connected_app_id: ConnectedAppId, ctx: Ctx, project: ConsumerProject
) -> RevokeGrantResponse:
    await ctx.run(project, consent.revoke_user_app, user_id, connected_app_id)
    return RevokeGrantResponse(request_id=ctx.request_id)
