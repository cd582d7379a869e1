"""HTTP Basic `project_id:secret` authentication for every `/v1` endpoint."""

from __future__ import annotations

import base64
import hmac
from typing import Annotated

from fastapi import Depends, Request

from keystile.api.credential_cache import CachedProject
from keystile.api.state import app_state
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.projects.secrets import secret_digest
from keystile.projects.service import authenticate_secret


def _basic_credentials(header: str | None) -> tuple[str, str]:
    if not header or not header.lower().startswith("basic "):
        raise KeystileError("unauthorized_credentials")
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except ValueError as error:  # not ASCII, not base64, or not UTF-8 once decoded
        raise KeystileError("unauthorized_credentials") from error
    project_id, sep, secret = decoded.partition(":")
    if not sep or not project_id or not secret or len(secret) > 256:
        raise KeystileError("unauthorized_credentials")
    return project_id, secret


async def authenticated_project(request: Request) -> CachedProject:
    """The project whose credentials the request carries, or `unauthorized_credentials`."""
    project_id, secret = _basic_credentials(request.headers.get("authorization"))
    state = app_state(request)
    digest = secret_digest(secret)
    cached = state.credentials.get(digest)
    if cached is not None:
        if not hmac.compare_digest(cached.project_id.encode(), project_id.encode()):
            raise KeystileError("unauthorized_credentials")
        return cached
    async with unit_of_work(state.sessions) as session:
        project = await authenticate_secret(session, project_id, secret)
    verified = CachedProject(project_id=project.project_id, vertical=project.vertical)
    state.credentials.put(digest, verified)
    return verified


ProjectAuth = Annotated[CachedProject, Depends(authenticated_project)]
