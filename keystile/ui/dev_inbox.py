"""`/dev/inbox` (HTML) and `/dev/inbox.json`: test projects' email, served only while no SMTP server
is configured. No authentication: it is a development tool and holds only test projects' mail."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from keystile.api.state import app_state
from keystile.clock import rfc3339
from keystile.db.uow import unit_of_work
from keystile.delivery.dev_inbox import DevInboxMessage, list_dev_inbox
from keystile.errors import KeystileError
from keystile.ui.pages import render_page

INBOX_LIMIT = 100

router = APIRouter(prefix="/dev", include_in_schema=False)


async def _dev_inbox(request: Request, project_id: str | None) -> list[DevInboxMessage]:
    state = app_state(request)
    if state.settings.smtp_url is not None:
        raise KeystileError("not_found", "The dev inbox is served only when no SMTP server is configured.")
    async with unit_of_work(state.sessions) as session:
        return await list_dev_inbox(session, project_id=project_id, limit=INBOX_LIMIT)


@router.get("/inbox.json")
async def dev_inbox_json(request: Request, project_id: str | None = None) -> JSONResponse:
    messages = await _dev_inbox(request, project_id)
    return JSONResponse(
        [
            {
                "message_id": m.message_id,
                "project_id": m.project_id,
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
async def dev_inbox_page(request: Request, project_id: str | None = None) -> HTMLResponse:
    messages = await _dev_inbox(request, project_id)
    return HTMLResponse(render_page("dev_inbox.html", messages=messages, rfc3339=rfc3339))
