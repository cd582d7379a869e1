"""`/v1/b2b/discovery`: exchange an intermediate session for a member session, list the discovered
organizations, create an organization. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas.b2b_discovery import (
    CreateOrganizationViaDiscoveryRequest,
    ExchangeIntermediateSessionRequest,
    ListDiscoveredOrganizationsRequest,
    ListDiscoveredOrganizationsResponse,
    discovery_fields,
)
from keystile.api.schemas.b2b_sessions import EntryResponse, entry_fields
from keystile.api.schemas.sessions import new_session_request
from keystile.b2b import admission, discovery
from keystile.sessions.types import MemberCredentials

router = APIRouter(prefix="/v1/b2b/discovery", tags=["b2b discovery"])


@router.post("/intermediate_sessions/exchange", response_model=EntryResponse)
async def exchange_intermediate_session(
    body: ExchangeIntermediateSessionRequest, ctx: Ctx, project: B2BProject
) -> EntryResponse:
    session_request = new_session_request(body)
    entry = await ctx.run(
        project,
        admission.exchange_intermediate_session,
        token=body.intermediate_session_token,
        organization_ref=body.organization_id,
        request=session_request,
    )
    return EntryResponse(request_id=ctx.request_id, **entry_fields(entry))


@router.post("/organizations", response_model=ListDiscoveredOrganizationsResponse)
async def list_organizations(
    body: ListDiscoveredOrganizationsRequest, ctx: Ctx, project: B2BProject
) -> ListDiscoveredOrganizationsResponse:
    found = await ctx.run(
        project,
        discovery.list_organizations,
        intermediate_session_token=body.intermediate_session_token,
        credentials=MemberCredentials(body.session_token, body.session_jwt),
    )
    return ListDiscoveredOrganizationsResponse(request_id=ctx.request_id, **discovery_fields(found))


@router.post("/organizations/create", response_model=EntryResponse)
async def create_organization(
    body: CreateOrganizationViaDiscoveryRequest, ctx: Ctx, project: B2BProject
) -> EntryResponse:
    session_request = new_session_request(body)
    fields = body.organization_fields()
    entry = await ctx.run(
        project,
        discovery.create_organization_and_enter,
        intermediate_session_token=body.intermediate_session_token,
        given=fields,
        request=session_request,
    )
    return EntryResponse(request_id=ctx.request_id, **entry_fields(entry))
