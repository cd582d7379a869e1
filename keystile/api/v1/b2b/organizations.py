"""`/v1/b2b/organizations`: the B2B Organizations API. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas.b2b_organizations import (
    CreateOrganizationRequest,
    DeleteOrganizationResponse,
    OrganizationMetricsResponse,
    OrganizationResponse,
    SearchOrganizationsRequest,
    SearchOrganizationsResponse,
    UpdateOrganizationRequest,
    organization_out,
)
from keystile.api.schemas.ids import OrganizationId
from keystile.api.schemas.users import ResultsMetadata
from keystile.b2b import organizations as service

router = APIRouter(prefix="/v1/b2b/organizations", tags=["b2b organizations"])


@router.post("", response_model=OrganizationResponse)
async def create_organization(
    body: CreateOrganizationRequest, ctx: Ctx, project: B2BProject
) -> OrganizationResponse:
    fields = body.organization_fields()
    view = await ctx.run(project, service.create_organization, fields)
    return OrganizationResponse(request_id=ctx.request_id, organization=organization_out(view))


@router.post("/search", response_model=SearchOrganizationsResponse)
async def search_organizations(
    body: SearchOrganizationsRequest, ctx: Ctx, project: B2BProject
) -> SearchOrganizationsResponse:
    query = body.query.model_dump() if body.query is not None else None
    page = await ctx.run(
        project, service.search_organizations, query=query, cursor=body.cursor, limit=body.limit
    )
    return SearchOrganizationsResponse(
        request_id=ctx.request_id,
        organizations=[organization_out(view) for view in page.organizations],
        results_metadata=ResultsMetadata(total=page.total, next_cursor=page.next_cursor),
    )


@router.get("/{organization_id}", response_model=OrganizationResponse)
async def get_organization(
    organization_id: OrganizationId, ctx: Ctx, project: B2BProject
) -> OrganizationResponse:
    view = await ctx.run(project, service.organization_view, organization_id)
    return OrganizationResponse(request_id=ctx.request_id, organization=organization_out(view))


@router.put("/{organization_id}", response_model=OrganizationResponse)
async def update_organization(
    organization_id: OrganizationId,
    body: UpdateOrganizationRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> OrganizationResponse:
    fields = body.organization_fields()
    view = await ctx.run(project, service.update_organization, organization_id, fields, acting=acting)
    return OrganizationResponse(request_id=ctx.request_id, organization=organization_out(view))


@router.delete("/{organization_id}", response_model=DeleteOrganizationResponse)
async def delete_organization(
    organization_id: OrganizationId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> DeleteOrganizationResponse:
    deleted = await ctx.run(project, service.delete_organization, organization_id, acting=acting)
    return DeleteOrganizationResponse(request_id=ctx.request_id, organization_id=deleted)


@router.delete("/{organization_id}/external_id", response_model=OrganizationResponse)
async def delete_organization_external_id(
    organization_id: OrganizationId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> OrganizationResponse:
    view = await ctx.run(project, service.delete_organization_external_id, organization_id, acting=acting)
    return OrganizationResponse(request_id=ctx.request_id, organization=organization_out(view))


@router.get("/{organization_id}/metrics", response_model=OrganizationMetricsResponse)
async def organization_metrics(
    organization_id: OrganizationId, ctx: Ctx, project: B2BProject
) -> OrganizationMetricsResponse:
    count = await ctx.run(project, service.organization_member_count, organization_id)
    return OrganizationMetricsResponse(request_id=ctx.request_id, member_count=count)
