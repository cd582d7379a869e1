"""`/v1/m2m/clients`: M2M clients and their secret rotation (consumer and B2B projects alike). Each
handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx, RequestContext
from keystile.api.schemas.ids import M2MClientId
from keystile.api.schemas.m2m import (
    CreateM2MClientRequest,
    CreateM2MClientResponse,
    DeleteM2MClientResponse,
    M2MClientResponse,
    M2MClientWithNextSecretOut,
    M2MClientWithSecretOut,
    RotateStartResponse,
    SearchM2MClientsRequest,
    SearchM2MClientsResponse,
    UpdateM2MClientRequest,
    m2m_client_out,
)
from keystile.api.schemas.users import ResultsMetadata
from keystile.m2m import clients
from keystile.m2m.clients import ClientChanges, NewClient
from keystile.m2m.models import M2MClient

router = APIRouter(prefix="/v1/m2m/clients", tags=["m2m"])


def _client_response(ctx: RequestContext, client: M2MClient) -> M2MClientResponse:
    return M2MClientResponse(request_id=ctx.request_id, m2m_client=m2m_client_out(client))


@router.post("", response_model=CreateM2MClientResponse)
async def create_client(
    body: CreateM2MClientRequest, ctx: Ctx, project: ProjectAuth
) -> CreateM2MClientResponse:
    new = body.to_domain(NewClient)
    created = await ctx.run(project, clients.create_client, new)
    client = m2m_client_out(created.client)
    return CreateM2MClientResponse(
        request_id=ctx.request_id,
        m2m_client=M2MClientWithSecretOut(**client.model_dump(), client_secret=created.secret),
    )


@router.post("/search", response_model=SearchM2MClientsResponse)
async def search_clients(
    body: SearchM2MClientsRequest, ctx: Ctx, project: ProjectAuth
) -> SearchM2MClientsResponse:
    query = body.query.model_dump() if body.query is not None else None
    page = await ctx.run(project, clients.search_clients, query=query, cursor=body.cursor, limit=body.limit)
    return SearchM2MClientsResponse(
        request_id=ctx.request_id,
        m2m_clients=[m2m_client_out(client) for client in page.results],
        results_metadata=ResultsMetadata(total=page.total, next_cursor=page.next_cursor),
    )


@router.get("/{client_id}", response_model=M2MClientResponse)
async def get_client(client_id: M2MClientId, ctx: Ctx, project: ProjectAuth) -> M2MClientResponse:
    client = await ctx.run(project, clients.get_client, client_id)
    return _client_response(ctx, client)


@router.put("/{client_id}", response_model=M2MClientResponse)
async def update_client(
    client_id: M2MClientId, body: UpdateM2MClientRequest, ctx: Ctx, project: ProjectAuth
) -> M2MClientResponse:
    changes = body.to_domain(ClientChanges)
    client = await ctx.run(project, clients.update_client, client_id, changes)
    return _client_response(ctx, client)


@router.delete("/{client_id}", response_model=DeleteM2MClientResponse)
async def delete_client(client_id: M2MClientId, ctx: Ctx, project: ProjectAuth) -> DeleteM2MClientResponse:
    await ctx.run(project, clients.delete_client, client_id)
    return DeleteM2MClientResponse(request_id=ctx.request_id, client_id=client_id)


@router.post("/{client_id}/secrets/rotate/start", response_model=RotateStartResponse)
async def start_secret_rotation(
    client_id: M2MClientId, ctx: Ctx, project: ProjectAuth
) -> RotateStartResponse:
    started = await ctx.run(project, clients.start_secret_rotation, client_id)
    client = m2m_client_out(started.client)
    return RotateStartResponse(
        request_id=ctx.request_id,
        m2m_client=M2MClientWithNextSecretOut(**client.model_dump(), next_client_secret=started.secret),
    )


@router.post("/{client_id}/secrets/rotate", response_model=M2MClientResponse)
async def complete_secret_rotation(
    client_id: M2MClientId, ctx: Ctx, project: ProjectAuth
) -> M2MClientResponse:
    client = await ctx.run(project, clients.complete_secret_rotation, client_id)
    return _client_response(ctx, client)


@router.post("/{client_id}/secrets/rotate/cancel", response_model=M2MClientResponse)
async def cancel_secret_rotation(client_id: M2MClientId, ctx: Ctx, project: ProjectAuth) -> M2MClientResponse:
    client = await ctx.run(project, clients.cancel_secret_rotation, client_id)
    return _client_response(ctx, client)
