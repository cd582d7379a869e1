"""What every `/sdk/v1` request passes before it runs: the public token (the HTTP Basic user), an
`Origin` among the project's authorized domains, the SDK on and its methods allowed; and the session
the SDK sends as the Basic password. Answers go out in the SDK's `{"data": …}` envelope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from keystile.api.auth import b2b_project, basic_credentials, consumer_project
from keystile.api.credential_cache import CachedProject
from keystile.api.state import app_state
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.projects.models import Project
from keystile.projects.sdk import check_sdk_method, sdk_project

# The request-state key under which the gate leaves the origin it checked, for `SdkCors` to answer.
SDK_ORIGIN = "sdk_origin"
# Fields only a backend may set: a browser's values are dropped before a `/v1` handler sees the body.
SERVER_ONLY_FIELDS = ("session_token", "session_jwt", "session_custom_claims", "trusted_metadata")
# The check that a project is of the vertical a route serves (`invalid_b2b_endpoint` and the like).
VERTICAL_CHECKS = {"consumer": consumer_project, "b2b": b2b_project}


@dataclass(frozen=True)
class SdkCaller:
    project: CachedProject
    project_name: str
    public_token: str
    # The session token the SDK sends as the Basic password once signed in; None before.
    session_token: str | None

    def required_session(self) -> str:
        """The caller's session token; `session_not_found` when it sends none."""
        if self.session_token is None:
            raise KeystileError("session_not_found")
        return self.session_token


def _public_token_and_password(authorization: str | None) -> tuple[str, str]:
    try:
        credentials = basic_credentials(authorization)
    except ValueError as error:
        raise KeystileError("unauthorized_credentials") from error
    public_token, password = credentials or ("", "")
    if not public_token or len(public_token) > 96 or len(password) > 256:
        raise KeystileError("unauthorized_credentials")
    return public_token, password


async def admit_origin(request: Request, public_token: str) -> Project:
    """The project of `public_token`, once the request's `Origin` is one of its authorized domains (or
    the request is same-origin: from keystile's hosted login page)."""
    # Set by the browser, never by a page's script: the call comes from a page keystile served itself.
    same_origin = request.headers.get("sec-fetch-site") == "same-origin"
    async with unit_of_work(app_state(request).sessions) as db:
        project = await sdk_project(db, public_token, request.headers.get("origin"), same_origin=same_origin)
    # Known origin from here on: refusals are answered with CORS headers, so the SDK can read them.
    setattr(request.state, SDK_ORIGIN, request.headers.get("origin"))
    return project


def sdk_gate(
    *methods: str, vertical: Literal["consumer", "b2b"] | None = "consumer"
) -> Callable[[Request], Awaitable[SdkCaller]]:
    """A dependency admitting an SDK request that uses the products `methods`, of a project of
    `vertical` (either when None). It leaves the project in the request state, where the `/v1` rate
    limits (`Sends`, `Attempts`) find it."""

    async def admitted(request: Request) -> SdkCaller:
        public_token, password = _public_token_and_password(request.headers.get("authorization"))
        project = await admit_origin(request, public_token)
        check_sdk_method(project, methods)
        cached = CachedProject(project.project_id, project.vertical, project.environment)
        if vertical is not None:
            await VERTICAL_CHECKS[vertical](cached)
        request.state.project = cached
        session_token = password if password and password != public_token else None
        return SdkCaller(cached, project.name, public_token, session_token)

    return admitted


def browser_body(body: Any, caller: SdkCaller) -> Any:
    """A `/v1` request body as a browser may send it: the server-only fields cleared, and the caller's
    session (when it has one) as the session the call adds a factor to."""
    present = type(body).model_fields
    cleared: dict[str, Any] = {name: None for name in SERVER_ONLY_FIELDS if name in present}
    if "session_token" in present:
        cleared["session_token"] = caller.session_token
    return body.model_copy(update=cleared)


def data(answer: BaseModel | dict[str, Any]) -> JSONResponse:
    """The SDK's envelope: a 2xx answer's body is `{"data": …}`."""
    return JSONResponse({"data": jsonable_encoder(answer)})
