"""`/v1/b2b/organizations`: the B2B Organizations API. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter, Request

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.errors import request_id
from keystile.api.schemas.b2b_organizations import (
    CreateOrganizationRequest,
    DeleteOrganizationResponse,
    OrganizationResponse,
    PathRef,
    SearchOrganizationsRequest,
    SearchOrganizationsResponse,
    UpdateOrganizationRequest,
    organization_out,
)
from keystile.api.schemas.users import ResultsMetadata
from keystile.api.state import app_state
from keystile.b2b import organizations as service
from keystile.db.uow import unit_of_work

router = APIRouter(prefix="/v1/b2b/organizations", tags=["b2b organizations"])


@router.post("", response_model=OrganizationResponse)
async def create_organization(
    body: CreateOrganizationRequest, request: Request, project: B2BProject
) -> OrganizationResponse:
    state = app_state(request)
    fields = body.organization_fields()
    async with unit_of_work(state.sessions) as db:
        view = await service.create_organization(db, project.project_id, fields, now=state.clock.now())
    return OrganizationResponse(request_id=request_id(request), organization=organization_out(view))


@router.post("/search", response_model=SearchOrganizationsResponse)
async def search_organizations(
    body: SearchOrganizationsRequest, request: Request, project: B2BProject
) -> SearchOrganizationsResponse:
    query = body.query.model_dump() if body.query is not None else None
    async with unit_of_work(app_state(request).sessions) as db:
        page = await service.search_organizations(
            db, project.project_id, query=query, cursor=body.cursor, limit=body.limit
        )
    return SearchOrganizationsResponse(
        request_id=request_id(request),
        organizations=[organization_out(view) for view in page.organizations],
        results_metadata=ResultsMetadata(total=page.total, next_cursor=page.next_cursor),
    )


@router.get("/{organization_id}", response_model=OrganizationResponse)
async def get_organization(
    organization_id: PathRef, request: Request, project: B2BProject
) -> OrganizationResponse:
    async with unit_of_work(app_state(request).sessions) as db:
        view = await service.organization_view(db, project.project_id, organization_id)
    return OrganizationResponse(request_id=request_id(request), organization=organization_out(view))


@router.put("/{organization_id}", response_model=OrganizationResponse)
async def update_organization(
    organization_id: PathRef,
    body: UpdateOrganizationRequest,
    request: Request,
    project: B2BProject,
    acting: ActingMember,
) -> OrganizationResponse:
    state = app_state(request)
    fields = body.organization_fields()
    async with unit_of_work(state.sessions) as db:
        view = await service.update_organization(
            db, state.keys, project.project_id, organization_id, fields, acting=acting, now=state.clock.now()
        )
    return OrganizationResponse(request_id=request_id(request), organization=organization_out(view))


@router.delete("/{organization_id}", response_model=DeleteOrganizationResponse)
async def delete_organization(
    organization_id: PathRef, request: Request, project: B2BProject, acting: ActingMember
) -> DeleteOrganizationResponse:
    state = app_state(request)
    async with unit_of_work(state.sessions) as db:
        deleted = await service.delete_organization(
            db, state.keys, project.project_id, organization_id, acting=acting, now=state.clock.now()
        )
    return DeleteOrganizationResponse(request_id=request_id(request), organization_id=deleted)
