"""The SCIM 2.0 service of a SCIM connection, at the base URL the connection reports
(`/v1/b2b/scim/{connection_id}`), for the IdP holding the connection's bearer token. Errors are
SCIM Error messages (see `scim_error_response`)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    InvalidValueException,
    ResponseParameters,
    SCIMException,
    SearchRequest,
)
from starlette.exceptions import HTTPException

from keystile.api.context import Ctx
from keystile.api.errors import http_error_response as stytch_http_error_response
from keystile.b2b.scim import discovery, resources, service_groups, service_search, service_users
from keystile.b2b.scim.connections import SERVICE_PATH
from keystile.b2b.scim.models import SCIMConnection
from keystile.b2b.scim.resources import Document, Listing, Shown
from keystile.b2b.scim.service_auth import authenticated_connection
from keystile.calls import Call

P = ParamSpec("P")
SCIM_JSON = "application/scim+json"
# Where the SCIM services of connections are (the management API is under SERVICE_PATH + organization id).
CONNECTION_PATH = SERVICE_PATH + "scim-connection-"
router = APIRouter(prefix=SERVICE_PATH + "{connection_id}", tags=["scim service"])


def scim_json(
    document: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(document, status_code=status, media_type=SCIM_JSON, headers=headers)


def _error_json(error: Error, status: int, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return scim_json(error.model_dump(mode="json", exclude_none=True), status, dict(headers or {}))


def scim_error_response(request: Request, exc: SCIMException) -> JSONResponse:
    """`exc` as RFC 7644's Error message (status as a string, scimType where it has one)."""
    headers = {"WWW-Authenticate": 'Bearer realm="SCIM"'} if exc.status == 401 else None
    return _error_json(exc.to_error(), exc.status, headers)


def http_error_response(request: Request, exc: HTTPException) -> JSONResponse:
    """An unknown URL or a wrong method under a SCIM connection's base URL as a SCIM Error message (RFC
    7644 section 3.12), anywhere else as Stytch's error."""
    if not request.url.path.startswith(CONNECTION_PATH):
        return stytch_http_error_response(request, exc)
    detail = "There is nothing at this URL." if exc.status_code == 404 else str(exc.detail)
    return _error_json(Error(status=exc.status_code, detail=detail), exc.status_code, exc.headers)


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


async def _serve(
    ctx: Ctx,
    request: Request,
    connection_id: str,
    use_case: Callable[Concatenate[Call, SCIMConnection, P], Awaitable[Any]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> Any:
    """`use_case(call, connection, ...)` for the connection the request's bearer token opens."""
    async with ctx.work() as db:
        row = await authenticated_connection(db, connection_id, request.headers.get("authorization"))
        return await use_case(ctx.call_on(db, row.project_id), row, *args, **kwargs)


async def _body(request: Request) -> object:
    try:
        return json.loads(await request.body())
    except ValueError as error:
        raise InvalidSyntaxException(detail="The body is not JSON.") from error


def _resource(document: dict[str, Any], status: int = 200) -> JSONResponse:
    """A resource with its ETag header (RFC 7644 section 3.14) and, once created, its Location."""
    meta = document.get("meta", {})
    headers = {
        name: meta[key] for name, key in (("ETag", "version"), ("Location", "location")) if key in meta
    }
    return scim_json(document, status, headers)


def _read(request: Request, document: dict[str, Any]) -> Response:
    """The resource, or 304 when If-None-Match names its current version (RFC 7644 section 3.14)."""
    version = document.get("meta", {}).get("version")
    unchanged = request.headers.get("if-none-match")
    if version is not None and unchanged is not None and resources.weakly_matches(unchanged, version):
        return Response(status_code=304, headers={"ETag": version})
    return _resource(document)


def _if_match(request: Request) -> str | None:
    return request.headers.get("if-match")


def _shown(request: Request) -> Shown | None:
    """The attributes or excludedAttributes the query names (RFC 7644 section 3.4.2.5)."""
    query = request.query_params
    attributes, excluded = query.get("attributes"), query.get("excludedAttributes")
    if attributes is None and excluded is None:
        return None
    try:
        return ResponseParameters(attributes=attributes, excluded_attributes=excluded)
    except ValueError as error:
        raise InvalidValueException(
            detail="attributes and excludedAttributes are attribute paths."
        ) from error


def _listing(request: Request) -> Listing:
    query = request.query_params
    try:
        start, count = int(query.get("startIndex", "1")), int(query.get("count", "100"))
    except ValueError as error:
        raise InvalidValueException(detail="startIndex and count are integers.") from error
    return Listing(query.get("filter"), start, count, _shown(request))


def _searched(body: object) -> Listing:
    """A POST /.search body (RFC 7644 section 3.4.3) as the listing its query parameters would ask."""
    search = resources.validated(SearchRequest, body, Context.SEARCH_REQUEST)
    count = resources.COUNT_MAX if search.count is None else search.count
    filter_text = None if search.filter is None else str(search.filter)
    return Listing(filter_text, search.start_index or 1, count, search)


@router.post("/.search")
async def search(connection_id: str, request: Request, ctx: Ctx) -> JSONResponse:
    """Users and Groups together: a filter attribute one of them lacks matches none of its resources."""
    base, listing = _base_url(ctx, connection_id), _searched(await _body(request))
    return scim_json(await _serve(ctx, request, connection_id, service_search.search_all, base, listing))


@dataclass(frozen=True)
class ResourceService:
    """One resource type's use cases (`service_users`, `service_groups`), served under its endpoint."""

    list: Callable[..., Awaitable[Document]]
    create: Callable[..., Awaitable[Document]]
    get: Callable[..., Awaitable[Document]]
    replace: Callable[..., Awaitable[Document]]
    patch: Callable[..., Awaitable[Document]]
    delete: Callable[..., Awaitable[None]]


def _serve_resources(endpoint: str, service: ResourceService) -> None:
    """The endpoint's routes (RFC 7644 section 3): search, list, create, get, replace, patch, delete."""

    async def search(connection_id: str, request: Request, ctx: Ctx) -> JSONResponse:
        base, listing = _base_url(ctx, connection_id), _searched(await _body(request))
        return scim_json(await _serve(ctx, request, connection_id, service.list, base, listing))

    async def list_all(connection_id: str, request: Request, ctx: Ctx) -> JSONResponse:
        base, listing = _base_url(ctx, connection_id), _listing(request)
        return scim_json(await _serve(ctx, request, connection_id, service.list, base, listing))

    async def create(connection_id: str, request: Request, ctx: Ctx) -> JSONResponse:
        body, base = await _body(request), _base_url(ctx, connection_id)
        return _resource(await _serve(ctx, request, connection_id, service.create, base, body), 201)

    async def get(connection_id: str, resource_id: str, request: Request, ctx: Ctx) -> Response:
        base, shown = _base_url(ctx, connection_id), _shown(request)
        return _read(
            request, await _serve(ctx, request, connection_id, service.get, base, resource_id, shown)
        )

    async def replace(connection_id: str, resource_id: str, request: Request, ctx: Ctx) -> JSONResponse:
        return await _change(ctx, request, connection_id, service.replace, resource_id)

    async def patch(connection_id: str, resource_id: str, request: Request, ctx: Ctx) -> JSONResponse:
        return await _change(ctx, request, connection_id, service.patch, resource_id)

    async def delete(connection_id: str, resource_id: str, request: Request, ctx: Ctx) -> Response:
        await _serve(ctx, request, connection_id, service.delete, resource_id, _if_match(request))
        return Response(status_code=204)

    one = f"/{endpoint}/{{resource_id}}"
    router.add_api_route(f"/{endpoint}/.search", search, methods=["POST"], name=f"search {endpoint}")
    router.add_api_route(f"/{endpoint}", list_all, methods=["GET"], name=f"list {endpoint}")
    router.add_api_route(f"/{endpoint}", create, methods=["POST"], name=f"create {endpoint}")
    router.add_api_route(one, get, methods=["GET"], name=f"get {endpoint}")
    router.add_api_route(one, replace, methods=["PUT"], name=f"replace {endpoint}")
    router.add_api_route(one, patch, methods=["PATCH"], name=f"patch {endpoint}")
    router.add_api_route(one, delete, methods=["DELETE"], name=f"delete {endpoint}")


async def _change(
    ctx: Ctx,
    request: Request,
    connection_id: str,
    use_case: Callable[..., Awaitable[Document]],
    resource_id: str,
) -> JSONResponse:
    """A PUT or PATCH of one resource, under the request's If-Match."""
    body, base = await _body(request), _base_url(ctx, connection_id)
    found = await _serve(ctx, request, connection_id, use_case, base, resource_id, body, _if_match(request))
    return _resource(found)


_serve_resources(
    "Users",
    ResourceService(
        service_users.list_users,
        service_users.create_user,
        service_users.get_user,
        service_users.replace_user,
        service_users.patch_user,
        service_users.delete_user,
    ),
)
_serve_resources(
    "Groups",
    ResourceService(
        service_groups.list_groups,
        service_groups.create_group,
        service_groups.get_group,
        service_groups.replace_group,
        service_groups.patch_group,
        service_groups.delete_group,
    ),
)
