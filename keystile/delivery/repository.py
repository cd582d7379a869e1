"""Outbox queries. The worker's span every project: one worker drains the whole outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.results import rows_changed
from keystile.delivery.models import FAILED, PENDING, SENT, OutboxMessage

# What a delivered message keeps of its body: its token or passcode must not outlive the sending.
REDACTED: dict[str, str | None] = {"body_text": "", "body_html": None}


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

    async def due_message_ids(self, now: datetime, limit: int, channels: tuple[str, ...]) -> list[str]:
        """Pending messages on `channels` whose attempt is due and that no live worker holds, oldest
        first."""
        ids = await self.session.scalars(
            select(OutboxMessage.message_id)
            .where(*_is_due(now), OutboxMessage.channel.in_(channels))
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
        if rows_changed(claimed) != 1:
            return None
        return await self.session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message_id))

    async def mark_sent(
        self, message_id: str, *, lease_until: datetime, now: datetime, keep_body: bool
    ) -> None:
        """Record delivery, clearing the body unless `keep_body` (the dev inbox shows it), unless
        the lease was lost (then the new holder's outcome stands)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.message_id == message_id, OutboxMessage.lease_until == lease_until)
            .values(
                status=SENT, sent_at=now, lease_until=None, last_error=None, **({} if keep_body else REDACTED)
            )
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
        """Release the lease and schedule the next attempt, or mark the message failed for good
        (and clear its body, which will never be sent)."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.message_id == message_id, OutboxMessage.lease_until == lease_until)
            .values(
                status=FAILED if give_up else PENDING,
                next_attempt_at=next_attempt_at,
                lease_until=None,
                last_error=error_class[:128],
                **(REDACTED if give_up else {}),
            )
        )

    async def purge(self, *, before: datetime, now: datetime) -> int:
        """Delete the messages last attempted (or, never attempted, queued) before `before` that no
        worker holds, whatever became of them; how many were deleted."""
        deleted = await self.session.execute(
            delete(OutboxMessage)
            .where(
                # Every status, named so that the (status, next_attempt_at) index serves the query.
                OutboxMessage.status.in_((PENDING, SENT, FAILED)),
                OutboxMessage.next_attempt_at < before,
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now),
            )
            .execution_options(synchronize_session=False)
        )
        return rows_changed(deleted)

    async def sent_by_project(
        self, *, channels: tuple[str, ...], project_id: str, limit: int
    ) -> list[OutboxMessage]:
        """The project's sent messages on `channels`, newest first: its dev inbox."""
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.project_id == project_id,
                OutboxMessage.channel.in_(channels),
                OutboxMessage.status == SENT,
            )
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.message_id.desc())
            .limit(limit)
        )
        return list(rows.all())
