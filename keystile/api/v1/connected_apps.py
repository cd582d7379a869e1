"""`/v1/connected_apps/clients`: Connected Apps clients and their secret rotation (consumer and B2B
projects alike). Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx, RequestContext
from keystile.api.schemas.connected_apps import (
    ConnectedAppResponse,
    ConnectedAppWithNextSecretOut,
    ConnectedAppWithSecretOut,
    CreateConnectedAppRequest,
    CreateConnectedAppResponse,
    DeleteConnectedAppResponse,
    RotateStartResponse,
    SearchConnectedAppsRequest,
    SearchConnectedAppsResponse,
    UpdateConnectedAppRequest,
    connected_app_out,
)
from keystile.api.schemas.ids import ConnectedAppId
from keystile.api.schemas.users import ResultsMetadata
from keystile.connected_apps import clients
from keystile.connected_apps.clients import ClientChanges, NewClient
from keystile.connected_apps.models import ConnectedAppClient

router = APIRouter(prefix="/v1/connected_apps/clients", tags=["connected_apps"])


def _client_response(ctx: RequestContext, client: ConnectedAppClient) -> ConnectedAppResponse:
    return ConnectedAppResponse(request_id=ctx.request_id, connected_app=connected_app_out(client))


@router.post("", response_model=CreateConnectedAppResponse)
async def create_client(
    body: CreateConnectedAppRequest, ctx: Ctx, project: ProjectAuth
) -> CreateConnectedAppResponse:
    created = await ctx.run(project, clients.create_client, body.to_domain(NewClient))
    client = connected_app_out(created.client)
    return CreateConnectedAppResponse(
        request_id=ctx.request_id,
        connected_app=ConnectedAppWithSecretOut(**client.model_dump(), client_secret=created.secret),
    )


@router.post("/search", response_model=SearchConnectedAppsResponse)
async def search_clients(
    body: SearchConnectedAppsRequest, ctx: Ctx, project: ProjectAuth
) -> SearchConnectedAppsResponse:
    page = await ctx.run(project, clients.search_clients, cursor=body.cursor, limit=body.limit)
    return SearchConnectedAppsResponse(
        request_id=ctx.request_id,
        connected_apps=[connected_app_out(client) for client in page.results],
        results_metadata=ResultsMetadata(total=page.total, next_cursor=page.next_cursor),
    )


@router.get("/{client_id}", response_model=ConnectedAppResponse)
async def get_client(client_id: ConnectedAppId, ctx: Ctx, project: ProjectAuth) -> ConnectedAppResponse:
    return _client_response(ctx, await ctx.run(project, clients.get_client, client_id))


@router.put("/{client_id}", response_model=ConnectedAppResponse)
async def update_client(
    client_id: ConnectedAppId, body: UpdateConnectedAppRequest, ctx: Ctx, project: ProjectAuth
) -> ConnectedAppResponse:
    client = await ctx.run(project, clients.update_client, client_id, body.to_domain(ClientChanges))
    return _client_response(ctx, client)


@router.delete("/{client_id}", response_model=DeleteConnectedAppResponse)
async def delete_client(
    client_id: ConnectedAppId, ctx: Ctx, project: ProjectAuth
) -> DeleteConnectedAppResponse:
    await ctx.run(project, clients.delete_client, client_id)
    return DeleteConnectedAppResponse(request_id=ctx.request_id, client_id=client_id)


@router.post("/{client_id}/secrets/rotate/start", response_model=RotateStartResponse)
async def start_secret_rotation(
    client_id: ConnectedAppId, ctx: Ctx, project: ProjectAuth
) -> RotateStartResponse:
    started = await ctx.run(project, clients.start_secret_rotation, client_id)
    assert started.secret is not None  # confidential clients only
    client = connected_app_out(started.client)
    return RotateStartResponse(
        request_id=ctx.request_id,
        connected_app=ConnectedAppWithNextSecretOut(**client.model_dump(), next_client_secret=started.secret),
    )


@router.post("/{client_id}/secrets/rotate", response_model=ConnectedAppResponse)
async def complete_secret_rotation(
    client_id: ConnectedAppId, ctx: Ctx, project: ProjectAuth
) -> ConnectedAppResponse:
    return _client_response(ctx, await ctx.run(project, clients.complete_secret_rotation, client_id))


@router.post("/{client_id}/secrets/rotate/cancel", response_model=ConnectedAppResponse)
async def cancel_secret_rotation(
    client_id: ConnectedAppId, ctx: Ctx, project: ProjectAuth
) -> ConnectedAppResponse:
    return _client_response(ctx, await ctx.run(project, clients.cancel_secret_rotation, client_id))
