"""`/dev/inbox` (HTML) and `/dev/inbox.json`, mounted only with `KEYSTILE_DEV_INBOX=true`: one
project's messages delivered to the dev inbox, shown only to a caller on this machine that names a
loopback host (no DNS rebinding) and proves the project with its `project_id:secret` (HTTP Basic, as
the API; a browser asks for them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from keystile.api.auth import authenticated_project
from keystile.api.credential_cache import CachedProject
from keystile.api.state import app_state
from keystile.clock import rfc3339
from keystile.db.uow import unit_of_work
from keystile.delivery.dev_inbox import DevInboxMessage, dev_inbox_channels, list_dev_inbox
from keystile.errors import KeystileError
from keystile.ui.loopback import is_loopback_host, is_loopback_host_header
from keystile.ui.pages import render_page

INBOX_LIMIT = 100
# Makes a browser ask for the project id (user name) and secret (password).
CHALLENGE = {"WWW-Authenticate": 'Basic realm="keystile dev inbox: project_id and secret", charset="UTF-8"'}


async def loopback_only(request: Request) -> None:
    """Refuse callers from other machines and Host headers that are not loopback names."""
    caller = request.client.host if request.client else ""
    if not (is_loopback_host(caller) and is_loopback_host_header(request.headers.get("host", ""))):
        raise KeystileError(
            "bad_request",
            "The dev inbox answers only requests from this machine to 127.0.0.1, localhost or [::1].",
        )


async def inbox_project(request: Request, project_id: str | None = None) -> CachedProject:
    """The project whose credentials the request carries, which must be `project_id` when given."""
    try:
        project = await authenticated_project(request)
    except KeystileError as error:
        if error.status_code != 401:
            raise
        raise KeystileError(error.error_type, error.error_message, headers=CHALLENGE) from error
    if project_id is not None and project_id != project.project_id:
        raise KeystileError(
            "unauthorized_credentials",
            "These credentials are another project's: sign in with the project_id and secret of the "
            "project whose messages you want to read.",
            headers=CHALLENGE,
        )
    return project


InboxProject = Annotated[CachedProject, Depends(inbox_project)]
router = APIRouter(prefix="/dev", include_in_schema=False, dependencies=[Depends(loopback_only)])


async def _dev_inbox(request: Request, project: CachedProject) -> list[DevInboxMessage]:
    state = app_state(request)
    channels = dev_inbox_channels(state.settings)
    if not channels:
        raise KeystileError(
            "route_not_found",
            "The dev inbox has nothing to show: SMTP and an SMS provider are both configured.",
        )
    async with unit_of_work(state.sessions) as session:
        return await list_dev_inbox(
            session, channels=channels, project_id=project.project_id, limit=INBOX_LIMIT
        )


@router.get("/inbox.json")
async def dev_inbox_json(request: Request, project: InboxProject) -> JSONResponse:
    messages = await _dev_inbox(request, project)
    return JSONResponse(
        [
            {
                "message_id": m.message_id,
                "project_id": m.project_id,
                "channel": m.channel,
                "to": m.to,
                "subject": m.subject,
                "body_text": m.body_text,
                "body_html": m.body_html,
                "created_at": rfc3339(m.created_at),
                "links": m.links,
            }
            for m in messages
        ]
    )


@router.get("/inbox")
async def dev_inbox_page(request: Request, project: InboxProject) -> HTMLResponse:
    messages = await _dev_inbox(request, project)
    return HTMLResponse(
        render_page("dev_inbox.html", project_id=project.project_id, messages=messages, rfc3339=rfc3339)
    )
