"""`/v1/b2b/discovery`: exchange an intermediate session for a member session, list the discovered
organizations, create an organization. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter, Request

from keystile.api.auth import B2BProject
from keystile.api.errors import request_id
from keystile.api.schemas.b2b_discovery import (
    CreateOrganizationViaDiscoveryRequest,
    ExchangeIntermediateSessionRequest,
    ListDiscoveredOrganizationsRequest,
    ListDiscoveredOrganizationsResponse,
    discovery_fields,
)
from keystile.api.schemas.b2b_sessions import EntryResponse, entry_fields
from keystile.api.state import app_state
from keystile.b2b import admission, discovery
from keystile.db.uow import unit_of_work
from keystile.sessions.types import MemberCredentials, SessionRequest

router = APIRouter(prefix="/v1/b2b/discovery", tags=["b2b discovery"])


@router.post("/intermediate_sessions/exchange", response_model=EntryResponse)
async def exchange_intermediate_session(
    body: ExchangeIntermediateSessionRequest, request: Request, project: B2BProject
) -> EntryResponse:
    state = app_state(request)
    session_request = SessionRequest(
        duration_minutes=body.session_duration_minutes, custom_claims=body.session_custom_claims
    )
    async with unit_of_work(state.sessions) as db:
        entry = await admission.exchange_intermediate_session(
            db,
            state.keys,
            project_id=project.project_id,
            token=body.intermediate_session_token,
            organization_ref=body.organization_id,
            request=session_request,
            now=state.clock.now(),
        )
    return EntryResponse(request_id=request_id(request), **entry_fields(entry))


@router.post("/organizations", response_model=ListDiscoveredOrganizationsResponse)
async def list_organizations(
    body: ListDiscoveredOrganizationsRequest, request: Request, project: B2BProject
) -> ListDiscoveredOrganizationsResponse:
    state = app_state(request)
    async with unit_of_work(state.sessions) as db:
        found = await discovery.list_organizations(
            db,
            state.keys,
            project_id=project.project_id,
            intermediate_session_token=body.intermediate_session_token,
            credentials=MemberCredentials(body.session_token, body.session_jwt),
            now=state.clock.now(),
        )
    return ListDiscoveredOrganizationsResponse(request_id=request_id(request), **discovery_fields(found))


@router.post("/organizations/create", response_model=EntryResponse)
async def create_organization(
    body: CreateOrganizationViaDiscoveryRequest, request: Request, project: B2BProject
) -> EntryResponse:
    state = app_state(request)
    session_request = SessionRequest(
        duration_minutes=body.session_duration_minutes, custom_claims=body.session_custom_claims
    )
    fields = body.organization_fields()
    async with unit_of_work(state.sessions) as db:
        entry = await discovery.create_organization_and_enter(
            db,
            state.keys,
            project_id=project.project_id,
            intermediate_session_token=body.intermediate_session_token,
            given=fields,
            request=session_request,
            now=state.clock.now(),
        )
    return EntryResponse(request_id=request_id(request), **entry_fields(entry))
