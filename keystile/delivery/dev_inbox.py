"""The dev inbox, on only with `KEYSTILE_DEV_INBOX=true`: email without an SMTP server and SMS or
WhatsApp without a provider are marked sent without leaving the database (keeping their bodies, which
delivered messages otherwise lose), an email's first link is logged, and each project reads its own
messages at `/dev/inbox`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.config import Settings
from keystile.delivery.models import EMAIL, TEXT_CHANNELS, OutboxMessage
from keystile.delivery.repository import OutboxRepository

LINK = re.compile(r"https?://[^\s<>\"']+")

log = structlog.get_logger("keystile.delivery")


def find_links(text: str) -> list[str]:
    """Every http(s) URL in `text`, in order."""
    return LINK.findall(text)


class DevInboxSender:
    """Delivers into the dev inbox: nothing leaves the machine."""

    async def send(self, message: OutboxMessage) -> None:
        if message.channel != EMAIL:
            # A text message carries a passcode: it is read at /dev/inbox, never logged.
            log.info(
                "dev_inbox_text",
                message_id=message.message_id,
                project_id=message.project_id,
                channel=message.channel,
            )
            return
        links = find_links(message.body_text)
        # Dev mode only: the one place a link (which carries a token) is ever logged.
        log.info(
            "dev_inbox_email",
            message_id=message.message_id,
            project_id=message.project_id,
            to=message.recipient,
            subject=message.subject,
            link=links[0] if links else None,
        )


def dev_inbox_channels(settings: Settings) -> tuple[str, ...]:
    """The channels whose messages go to the dev inbox: none unless it is on, then those with no
    real transport configured."""
    if not settings.dev_inbox:
        return ()
    email = (EMAIL,) if settings.smtp_url is None else ()
    texts = TEXT_CHANNELS if settings.sms_url is None else ()
    return email + texts


@dataclass(frozen=True)
class DevInboxMessage:
    message_id: str
    project_id: str
    channel: str
    to: str
    subject: str
    body_text: str
    body_html: str | None
    created_at: datetime
    links: list[str]


async def list_dev_inbox(
    session: AsyncSession, *, channels: tuple[str, ...], project_id: str, limit: int
) -> list[DevInboxMessage]:
    """The project's messages on `channels` delivered to the dev inbox, newest first."""
    messages = await OutboxRepository(session).sent_by_project(
        channels=channels, project_id=project_id, limit=limit
    )
    return [
        DevInboxMessage(
            message_id=m.message_id,
            project_id=m.project_id,
            channel=m.channel,
            to=m.recipient,
            subject=m.subject,
            body_text=m.body_text,
            body_html=m.body_html,
            created_at=m.created_at,
            links=find_links(m.body_text),
        )
        for m in messages
    ]
