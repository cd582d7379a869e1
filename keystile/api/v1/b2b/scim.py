"""`/v1/b2b/scim/{organization_id}/connection`: an organization's SCIM connection and its bearer token.
Each handler calls one service function."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas import b2b_scim as schemas
from keystile.api.schemas.ids import OrganizationId, SCIMConnectionId
from keystile.b2b.scim import connections
from keystile.b2b.scim.connections import ConnectionView

router = APIRouter(prefix="/v1/b2b/scim/{organization_id}/connection", tags=["b2b scim"])


def _answer(ctx: Ctx, view: ConnectionView | None) -> schemas.ConnectionResponse:
    public_url = ctx.state.settings.public_url
    out = schemas.scim_connection_out(view, public_url) if view is not None else None
    return schemas.ConnectionResponse(request_id=ctx.request_id, connection=out)


@router.post("", response_model=schemas.CreateResponse)
async def create_connection(
    organization_id: OrganizationId,
    body: schemas.CreateSCIMRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.CreateResponse:
    view = await ctx.run(
        project,
        connections.create_connection,
        organization_ref=organization_id,
        display_name=body.display_name,
        identity_provider=body.identity_provider,
        acting=acting,
    )
    out = schemas.with_token_out(view, ctx.state.settings.public_url)
    return schemas.CreateResponse(request_id=ctx.request_id, connection=out)


@router.get("", response_model=schemas.ConnectionResponse)
async def get_connection(
    organization_id: OrganizationId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> schemas.ConnectionResponse:
    view = await ctx.run(project, connections.get_connection, organization_ref=organization_id, acting=acting)
    return _answer(ctx, view)


@router.put("/{connection_id}", response_model=schemas.ConnectionResponse)
async def update_connection(
    organization_id: OrganizationId,
    connection_id: SCIMConnectionId,
    body: schemas.UpdateSCIMRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.ConnectionResponse:
    assignments = body.scim_group_implicit_role_assignments
    view = await ctx.run(
        project,
        connections.update_connection,
        organization_ref=organization_id,
        connection_id=connection_id,
        display_name=body.display_name,
        identity_provider=body.identity_provider,
        group_role_assignments=[item.model_dump() for item in assignments]
        if assignments is not None
        else None,
        acting=acting,
    )
    return _answer(ctx, view)


@router.get("/{connection_id}", response_model=schemas.GetGroupsResponse)
async def get_groups(
    organization_id: OrganizationId,
    connection_id: SCIMConnectionId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int | None, Query()] = None,
) -> schemas.GetGroupsResponse:
    page = await ctx.run(
        project,
        connections.get_groups,
        organization_ref=organization_id,
        connection_id=connection_id,
        cursor=cursor,
        limit=limit,
        acting=acting,
    )
    return schemas.GetGroupsResponse(
        request_id=ctx.request_id,
        scim_groups=[schemas.scim_group_out(group) for group in page.groups],
        next_cursor=page.next_cursor,
    )


@router.delete("/{connection_id}", response_model=schemas.DeleteResponse)
async def delete_connection(
    organization_id: OrganizationId,
    connection_id: SCIMConnectionId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.DeleteResponse:
    deleted = await ctx.run(
        project,
        connections.delete_connection,
        organization_ref=organization_id,
        connection_id=connection_id,
        acting=acting,
    )
    return schemas.DeleteResponse(request_id=ctx.request_id, connection_id=deleted)


@router.post("/{connection_id}/rotate/start", response_model=schemas.RotateStartResponse)
async def rotate_start(
    organization_id: OrganizationId,
    connection_id: SCIMConnectionId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.RotateStartResponse:
    view = await ctx.run(
        project,
        connections.rotate_start,
        organization_ref=organization_id,
        connection_id=connection_id,
        acting=acting,
    )
    out = schemas.with_next_token_out(view, ctx.state.settings.public_url)
    return schemas.RotateStartResponse(request_id=ctx.request_id, connection=out)


@router.post("/{connection_id}/rotate/complete", response_model=schemas.ConnectionResponse)
async def rotate_complete(
    organization_id: OrganizationId,
    connection_id: SCIMConnectionId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.ConnectionResponse:
    view = await ctx.run(
        project,
        connections.rotate_complete,
        organization_ref=organization_id,
        connection_id=connection_id,
        acting=acting,
    )
    return _answer(ctx, view)


@router.post("/{connection_id}/rotate/cancel", response_model=schemas.ConnectionResponse)
async def rotate_cancel(
    organization_id: OrganizationId,
    connection_id: SCIMConnectionId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.ConnectionResponse:
    view = await ctx.run(
        project,
        connections.rotate_cancel,
        organization_ref=organization_id,
        connection_id=connection_id,
        acting=acting,
    )
    return _answer(ctx, view)
