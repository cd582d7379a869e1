"""`/dev/inbox` (HTML) and `/dev/inbox.json`: test projects' email (while no SMTP server is configured)
and SMS/WhatsApp messages (while no SMS provider is), served only while one of them goes there. No
authentication: it is a development tool and holds only test projects' messages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from keystile.api.state import app_state
from keystile.clock import rfc3339
from keystile.db.uow import unit_of_work
from keystile.delivery.dev_inbox import DevInboxMessage, dev_inbox_channels, list_dev_inbox
from keystile.errors import KeystileError
from keystile.ui.pages import render_page

INBOX_LIMIT = 100

router = APIRouter(prefix="/dev", include_in_schema=False)


async def _dev_inbox(request: Request, project_id: str | None) -> list[DevInboxMessage]:
    state = app_state(request)
    channels = dev_inbox_channels(state.settings)
    if not channels:
        raise KeystileError(
            "not_found", "The dev inbox is served only while SMTP or an SMS provider is not configured."
        )
    async with unit_of_work(state.sessions) as session:
        return await list_dev_inbox(session, channels=channels, project_id=project_id, limit=INBOX_LIMIT)


@router.get("/inbox.json")
async def dev_inbox_json(request: Request, project_id: str | None = None) -> JSONResponse:
    messages = await _dev_inbox(request, project_id)
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
async def dev_inbox_page(request: Request, project_id: str | None = None) -> HTMLResponse:
    messages = await _dev_inbox(request, project_id)
    return HTMLResponse(render_page("dev_inbox.html", messages=messages, rfc3339=rfc3339))
