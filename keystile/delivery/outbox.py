"""Queueing email: render it and add it to the outbox inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.delivery.models import EMAIL, PENDING, OutboxMessage
from keystile.delivery.templates import render_email
from keystile.ids import new_id


async def enqueue_email(
    session: AsyncSession,
    *,
    project_id: str,
    to: str,
    template: str,
    context: dict[str, Any],
    now: datetime,
) -> str:
    """Queue the email `template` rendered with `context` for `to`; return its message_id.

    Nothing is committed here: the caller's unit of work commits the message together with the
    state it announces (or rolls both back)."""
    rendered = render_email(template, context)
    message_id = new_id("message")
    session.add(
        OutboxMessage(
            message_id=message_id,
            project_id=project_id,
            channel=EMAIL,
            recipient=to,
            subject=rendered.subject,
            body_text=rendered.body_text,
            body_html=rendered.body_html,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return message_id
