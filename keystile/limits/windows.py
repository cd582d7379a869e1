"""`count_in_window`: at most `limit` sends per key in each fixed window (an hour, say), counted by
one conditional UPDATE in the caller's transaction, so servers sharing the database cannot overshoot
and a request that fails later takes its count back with everything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import retry_later
from keystile.limits.models import SendCounter


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window holding `now` (windows are aligned to the Unix epoch)."""
    size = int(window.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // size * size, UTC)


async def _increment(db: AsyncSession, *, project_id: str, key: str, limit: int, start: datetime) -> bool:
    """Count one send: restart a stale window at 1, or add 1 below the limit. False when full."""
    stale = SendCounter.window_start != start
    counted = await db.execute(
        update(SendCounter)
        .where(
            SendCounter.project_id == project_id,
            SendCounter.counter_key == key,
            stale | (SendCounter.count < limit),
        )
        # `count` first: MySQL evaluates SET left to right, so it must still see the old window.
        .ordered_values(
            (SendCounter.count, case((stale, 1), else_=SendCounter.count + 1)),
            (SendCounter.window_start, start),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(counted.rowcount == 1)  # type: ignore[attr-defined]


async def count_in_window(
    db: AsyncSession,
    *,
    project_id: str,
    key: str,
    limit: int,
    window: timedelta,
    now: datetime,
    refusal: str | None = None,
) -> None:
    """Count a send under `key`, or raise `too_many_requests` (with the message `refusal`) when
    `limit` sends were already counted in the current window."""
    start = window_start(now, window)
    if await _increment(db, project_id=project_id, key=key, limit=limit, start=start):
        return
    full = retry_later("too_many_requests", (start + window - now).total_seconds(), refusal)
    if limit < 1:
        raise full
    if await db.get(SendCounter, (project_id, key)) is not None:
        # The counter may have been created by a concurrent first send after our UPDATE missed it.
        if await _increment(db, project_id=project_id, key=key, limit=limit, start=start):
            return
        raise full
    try:
        async with db.begin_nested():
            db.add(SendCounter(project_id=project_id, counter_key=key, window_start=start, count=1))
    except IntegrityError:
        # A concurrent first send created the counter: count against it instead.
        if not await _increment(db, project_id=project_id, key=key, limit=limit, start=start):
            raise full from None
