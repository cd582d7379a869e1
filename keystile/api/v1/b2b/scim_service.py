"""The SCIM 2.0 service of a SCIM connection, at the base URL the connection reports
(`/v1/b2b/scim/{connection_id}`), for the IdP holding the connection's bearer token. Errors are
SCIM Error messages (see `scim_error_response`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from scim2_models import SCIMException

from keystile.api.context import Ctx
from keystile.b2b.scim import discovery
from keystile.b2b.scim.connections import SERVICE_PATH
from keystile.b2b.scim.service_auth import authenticated_connection

SCIM_JSON = "application/scim+json"
router = APIRouter(prefix=SERVICE_PATH + "{connection_id}", tags=["scim service"])


def scim_json(
    document: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(document, status_code=status, media_type=SCIM_JSON, headers=headers)


def scim_error_response(request: Request, exc: SCIMException) -> JSONResponse:
    """`exc` as RFC 7644's Error message (status as a string, scimType where it has one)."""
    body = exc.to_error().model_dump(mode="json", exclude_none=True)
    headers = {"WWW-Authenticate": 'Bearer realm="SCIM"'} if exc.status == 401 else None
    return scim_json(body, exc.status, headers)


def _base_url(ctx: Ctx, connection_id: str) -> str:
    return f"{ctx.state.settings.public_url.rstrip('/')}{SERVICE_PATH}{connection_id}"


async def _authenticated(ctx: Ctx, request: Request, connection_id: str) -> None:
    async with ctx.work() as db:
        await authenticated_connection(db, connection_id, request.headers.get("authorization"))


@router.get("/ServiceProviderConfig")
async def service_provider_config(connection_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    await _authenticated(ctx, request, connection_id)
    return scim_json(discovery.service_provider_config(_base_url(ctx, connection_id)))


@router.get("/ResourceTypes")
async def resource_types(connection_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    await _authenticated(ctx, request, connection_id)
    return scim_json(discovery.resource_types(_base_url(ctx, connection_id)))


@router.get("/ResourceTypes/{type_id}")
async def resource_type(connection_id: str, type_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    await _authenticated(ctx, request, connection_id)
    return scim_json(discovery.resource_type(_base_url(ctx, connection_id), type_id))


@router.get("/Schemas")
async def schemas(connection_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    await _authenticated(ctx, request, connection_id)
    return scim_json(discovery.schemas(_base_url(ctx, connection_id)))


@router.get("/Schemas/{schema_id}")
async def schema(connection_id: str, schema_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    await _authenticated(ctx, request, connection_id)
    return scim_json(discovery.schema(_base_url(ctx, connection_id), schema_id))
