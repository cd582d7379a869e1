"""HTTP Basic `project_id:secret` authentication for every `/v1` endpoint."""

from __future__ import annotations

import base64
import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from keystile.api.credential_cache import CachedProject
from keystile.api.state import AppState, app_state
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.projects.secrets import secret_digest
from keystile.projects.service import authenticate_secret
from keystile.sessions.types import MemberCredentials


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """The `(user, password)` of an HTTP Basic `Authorization` header, or None without one; ValueError
    when they are not base64 of UTF-8 text."""
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    user, _, password = decoded.partition(":")
    return user, password


def _project_credentials(authorization: str | None, *, bearer: bool) -> tuple[str | None, str]:
    """(project_id, secret) of HTTP Basic credentials; with `bearer`, (None, secret) of a Bearer secret
    instead, as the SAML Shield client sends its token."""
    if bearer:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or len(token) > 256:
            raise KeystileError("unauthorized_credentials")
        return None, token.strip()
    try:
        credentials = basic_credentials(authorization)
    except ValueError as error:  # not ASCII, not base64, or not UTF-8 once decoded
        raise KeystileError("unauthorized_credentials") from error
    project_id, secret = credentials or ("", "")
    if not project_id or not secret or len(secret) > 256:
        raise KeystileError("unauthorized_credentials")
    return project_id, secret


async def authenticated_project(request: Request) -> CachedProject:
    """The project whose credentials the request carries, or `unauthorized_credentials`.
    `RequestGuard` has checked the credentials of requests that carry a body already."""
    checked: CachedProject | None = getattr(request.state, "project", None)
    return checked or await verified_project(app_state(request), request.headers.get("authorization"))


async def verified_project(
    state: AppState, authorization: str | None, *, bearer: bool = False
) -> CachedProject:
    """The project whose `project_id:secret` the Authorization header carries (with `bearer`, whose
    secret alone it carries), checked against the credential cache or, once for concurrent callers,
    the database; else `unauthorized_credentials`."""
    project_id, secret = _project_credentials(authorization, bearer=bearer)
    digest = secret_digest(secret)
    cached = state.credentials.get(digest)
    if cached is not None:
        if project_id is not None and not hmac.compare_digest(
            cached.project_id.encode(), project_id.encode()
        ):
            raise KeystileError("unauthorized_credentials")
        return cached

    async def check() -> CachedProject:
        async with unit_of_work(state.sessions) as session:
            project = await authenticate_secret(session, project_id, secret)
        return CachedProject(project.project_id, project.vertical, project.environment)

    return await state.credentials.check_once(digest, project_id or "", check)


def _same_id(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


ProjectAuth = Annotated[CachedProject, Depends(authenticated_project)]


def _same_vertical(project: CachedProject, vertical: str) -> CachedProject:
    if project.vertical != vertical:
        raise KeystileError("invalid_b2b_endpoint" if vertical == "b2b" else "invalid_consumer_endpoint")
    return project


async def consumer_project(project: ProjectAuth) -> CachedProject:
    """The authenticated project, which must be a consumer project."""
    return _same_vertical(project, "consumer")


async def b2b_project(project: ProjectAuth) -> CachedProject:
    """The authenticated project, which must be a B2B project."""
    return _same_vertical(project, "b2b")


ConsumerProject = Annotated[CachedProject, Depends(consumer_project)]
B2BProject = Annotated[CachedProject, Depends(b2b_project)]


async def acting_member(
    x_stytch_member_session: Annotated[str | None, Header(max_length=256)] = None,
    x_stytch_member_sessionjwt: Annotated[str | None, Header(max_length=16_384)] = None,
) -> MemberCredentials | None:
    """The member session a B2B request is made with, if any (the SDKs' `method_options`)."""
    if not x_stytch_member_session and not x_stytch_member_sessionjwt:
        return None
    return MemberCredentials(x_stytch_member_session, x_stytch_member_sessionjwt)


ActingMember = Annotated[MemberCredentials | None, Depends(acting_member)]
