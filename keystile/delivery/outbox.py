"""Queueing messages: render an email or a text message (SMS, WhatsApp) and add it to the outbox
inside the caller's transaction; emails within an hourly cap per address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.delivery.models import EMAIL, PENDING, TEXT_CHANNELS, OutboxMessage
from keystile.delivery.templates import render_email, render_text
from keystile.ids import new_id
from keystile.limits.email_cap import count_email_to

# The key of `Session.info` set once the session has queued a message: its committer wakes the worker.
QUEUED = "keystile_outbox_queued"


def queued_messages(session: AsyncSession) -> bool:
    """Whether `session` queued a message, which leaves sooner if the worker is woken after commit."""
    return bool(session.info.get(QUEUED))


def _add(
    session: AsyncSession,
    *,
    project_id: str,
    channel: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None,
    now: datetime,
) -> str:
    message_id = new_id("message")
    session.info[QUEUED] = True
    session.add(
        OutboxMessage(
            message_id=message_id,
            project_id=project_id,
            channel=channel,
            recipient=to,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return message_id


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
    state it announces (or rolls both back). Past the sessions' cap of emails to one address in an
    hour, whatever sends them, `too_many_requests` instead (and the caller's work rolls back)."""
    await count_email_to(session, project_id=project_id, address=to, now=now)
    rendered = render_email(template, context)
    return _add(
        session,
        project_id=project_id,
        channel=EMAIL,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        now=now,
    )


async def enqueue_text(
    session: AsyncSession,
    *,
    project_id: str,
    channel: str,
    to: str,
    template: str,
    context: dict[str, Any],
    now: datetime,
) -> str:
    """Queue the text message `template` for the E.164 number `to` on `channel` (sms or whatsapp),
    in the caller's transaction like `enqueue_email`; return its message_id."""
    if channel not in TEXT_CHANNELS:
        raise ValueError(f"not a text channel: {channel!r}")
    return _add(
        session,
        project_id=project_id,
        channel=channel,
        to=to,
        subject="",
        body_text=render_text(template, context),
        body_html=None,
        now=now,
    )
