"""Rendering every failure as Stytch's error JSON: domain errors, validation errors, HTTP errors and
database outages or missed database deadlines. Anything else is rendered by `RequestGuard` (logged,
never echoed)."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException

from keystile.errors import CATALOGUE, ErrorType, KeystileError
from keystile.ids import new_request_id

log = structlog.get_logger("keystile.api")

# Request fields whose invalid value has an error type of its own.
FIELD_ERRORS: dict[str, ErrorType] = {
    "email": "invalid_email",
    "user_id": "invalid_user_id",
    "email_id": "invalid_email_id",
    "phone_id": "invalid_phone_id",
    "phone_number": "invalid_phone_number",
    "external_id": "invalid_external_id",
    "name": "invalid_name",
    "limit": "invalid_limit",
    "cursor": "invalid_cursor",
    "trusted_metadata": "invalid_metadata",
    "untrusted_metadata": "invalid_metadata",
    "session_duration_minutes": "invalid_session_duration_minutes",
}
HTTP_ERRORS: dict[int, ErrorType] = {
    404: "route_not_found",
    405: "method_not_allowed",
    413: "request_too_large",
}
RETRY_AFTER_SECONDS = "5"
# What an unreachable database, or a unit of work past its deadline (keystile/db/uow.py), raises.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    PoolTimeoutError,
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else new_request_id()


def error_body(error: KeystileError, rid: str) -> dict[str, Any]:
    """Stytch's error JSON for `error` in the request `rid`."""
    return {
        "status_code": error.status_code,
        "request_id": rid,
        "error_type": error.error_type,
        "error_message": error.error_message,
        "error_url": error.error_url,
    }


def error_response(
    request: Request, error: KeystileError, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = error_body(error, request_id(request))
    return JSONResponse(body, status_code=error.status_code, headers=headers)


def database_unavailable(exc: Exception) -> KeystileError:
    """A 503 with Retry-After for a database that did not answer; the cause goes to the log only."""
    log.warning("database_unavailable", error_class=type(exc).__name__)
    return KeystileError("service_unavailable", headers={"Retry-After": RETRY_AFTER_SECONDS})


def validation_error(exc: RequestValidationError) -> KeystileError:
    """The first problem in the request, as a 400 with the most specific error type."""
    problems: list[Any] = list(exc.errors())
    if not problems:
        return KeystileError("bad_request")
    first = problems[0]
    if first.get("type") == "json_invalid":
        return KeystileError("invalid_json")
    if first.get("type") in CATALOGUE:
        # A typed field's own refusal (keystile/api/schemas/ids.py): Stytch's type and message.
        return KeystileError(first["type"])
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    field = location[0] if location else ""
    where = ".".join(location) or "request"
    message = f"{where}: {first.get('msg', 'invalid value')}"
    return KeystileError(FIELD_ERRORS.get(field, "invalid_argument"), message[:300])


def http_error_response(request: Request, exc: HTTPException) -> JSONResponse:
    """An unknown route, a wrong method or an oversized body, as Stytch's error JSON."""
    return error_response(request, KeystileError(HTTP_ERRORS.get(exc.status_code, "bad_request")))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KeystileError)
    async def on_keystile_error(request: Request, exc: KeystileError) -> JSONResponse:
        return error_response(request, exc, headers=exc.headers or None)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(request, validation_error(exc))

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return http_error_response(request, exc)

    async def on_database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        error = database_unavailable(exc)
        return error_response(request, error, headers=error.headers)

    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, on_database_unavailable)
