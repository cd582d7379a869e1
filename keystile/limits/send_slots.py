"""`claim_send_slot`: at most one send per interval per key, decided by one conditional write.

The claim is a conditional UPDATE (or an INSERT for a first send) inside the caller's transaction,
so two servers racing for the same slot cannot both win, and a request that fails later rolls its
claim back with everything else.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import retry_later
from keystile.limits.models import SendSlot


def slot_key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:64]}"


async def claim_send_slot(
    session: AsyncSession, *, project_id: str, key: str, interval: timedelta, now: datetime
) -> None:
    """Take the send slot for `key`, or raise `too_many_requests` if it was taken < interval ago."""
    claimed = await session.execute(
        update(SendSlot)
        .where(
            SendSlot.project_id == project_id,
            SendSlot.slot_key == key,
            SendSlot.last_sent_at <= now - interval,
        )
        .values(last_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return
    taken = await session.get(SendSlot, (project_id, key))
    if taken is not None:
        raise retry_later("too_many_requests", (taken.last_sent_at + interval - now).total_seconds())
    session.add(SendSlot(project_id=project_id, slot_key=key, last_sent_at=now))
    try:
        await session.flush()
    except IntegrityError as error:
        # A concurrent first send inserted the slot; this transaction is rolled back by the caller.
        raise retry_later("too_many_requests", interval.total_seconds()) from error
