"""Bounces as the outbox knows them: an email to an address that keystile gave up delivering."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.delivery.models import EMAIL, FAILED, OutboxMessage


async def has_known_bounces(db: AsyncSession, project_id: str, email: str) -> bool:
    """Whether one of the project's emails to `email` (any case) failed for good."""
    found = await db.scalar(
        select(OutboxMessage.message_id)
        .where(
            OutboxMessage.project_id == project_id,
            OutboxMessage.channel == EMAIL,
            OutboxMessage.status == FAILED,
            func.lower(OutboxMessage.recipient) == email.lower(),
        )
        .limit(1)
    )
    return found is not None
