"""Outbox queries. The worker's span every project: one worker drains the whole outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.delivery.models import FAILED, PENDING, SENT, OutboxMessage

TEST_PROJECT_PREFIX = "project-test-"


def _is_due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        OutboxMessage.status == PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now),
    )


class OutboxRepository:
    """Claims, completes and lists outbox messages."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due_message_ids(self, now: datetime, limit: int) -> list[str]:
        """Pending messages whose attempt is due and that no live worker holds, oldest first."""
        ids = await self.session.scalars(
            select(OutboxMessage.message_id)
            .where(*_is_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.message_id)
            .limit(limit)
        )
        return list(ids.all())

    async def claim(self, message_id: str, *, now: datetime, lease_until: datetime) -> OutboxMessage | None:
        """Lease a due message and count the attempt; None when another worker got there first."""
        claimed = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.message_id == message_id, *_is_due(now))
            .values(lease_until=lease_until, attempts=OutboxMessage.attempts + 1)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return await self.session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message_id))

    async def mark_sent(self, message_id: str, *, lease_until: datetime, now: datetime) -> None:
        """Record delivery, unless the lease was lost (then the new holder's outcome stands)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.message_id == message_id, OutboxMessage.lease_until == lease_until)
            .values(status=SENT, sent_at=now, lease_until=None, last_error=None)
        )

    async def record_failure(
        self,
        message_id: str,
        *,
        lease_until: datetime,
        error_class: str,
        next_attempt_at: datetime,
        give_up: bool,
    ) -> None:
        """Release the lease and schedule the next attempt, or mark the message failed for good."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.message_id == message_id, OutboxMessage.lease_until == lease_until)
            .values(
                status=FAILED if give_up else PENDING,
                next_attempt_at=next_attempt_at,
                lease_until=None,
                last_error=error_class[:128],
            )
        )

    async def sent_to_test_projects(
        self, *, channels: tuple[str, ...], project_id: str | None, limit: int
    ) -> list[OutboxMessage]:
        """Sent messages on `channels` of test projects (optionally one of them), newest first: the
        dev inbox."""
        query = select(OutboxMessage).where(
            OutboxMessage.project_id.startswith(TEST_PROJECT_PREFIX, autoescape=True),
            OutboxMessage.channel.in_(channels),
            OutboxMessage.status == SENT,
        )
        if project_id is not None:
            query = query.where(OutboxMessage.project_id == project_id)
        rows = await self.session.scalars(
            query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.message_id.desc()).limit(limit)
        )
        return list(rows.all())
