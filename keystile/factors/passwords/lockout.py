"""Locking a user after repeated failed authentications: 10 failures within an hour lock the user for
an hour (Stytch's defaults). Counters change by single conditional UPDATEs, so concurrent failures on
several servers are all counted and exactly one of them creates the lock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Insert, case, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.factors.passwords.models import UserLock

LOCK_THRESHOLD: Final = 10
FAILURE_WINDOW: Final = timedelta(hours=1)
LOCK_DURATION: Final = timedelta(hours=1)


async def lock_state(db: AsyncSession, project_id: str, user_id: str) -> UserLock | None:
    """The user's failure counter and lock, if the user ever failed to authenticate."""
    return await db.scalar(
        select(UserLock).where(UserLock.project_id == project_id, UserLock.user_id == user_id)
    )


def is_locked(lock: UserLock, now: datetime) -> bool:
    return lock.lock_expires_at is not None and lock.lock_expires_at > now


async def _count_failure(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> int:
    """Add one failure to the user's window (a stale window starts over); rows updated."""
    stale = UserLock.window_started_at <= now - FAILURE_WINDOW
    result = await db.execute(
        update(UserLock)
        .where(UserLock.project_id == project_id, UserLock.user_id == user_id)
        # MySQL assigns left to right, each assignment seeing the ones before it: the count goes first
        # so that it still sees the old window.
        .ordered_values(
            (UserLock.failed_attempts, case((stale, 1), else_=UserLock.failed_attempts + 1)),
            (UserLock.window_started_at, case((stale, now), else_=UserLock.window_started_at)),
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _insert_unless_present(dialect: str, values: dict[str, object]) -> Insert:
    """An INSERT that does nothing when the row exists (no savepoint needed to survive the race)."""
    if dialect == "postgresql":
        return postgresql.insert(UserLock).values(values).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(UserLock).values(values).on_conflict_do_nothing()
    return insert(UserLock).values(values).prefix_with("IGNORE")


async def record_failure(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Count a failed authentication; the one that reaches the threshold locks the user."""
    if not await _count_failure(db, project_id, user_id, now):
        first = {"project_id": project_id, "user_id": user_id, "failed_attempts": 1, "window_started_at": now}
        inserted = await db.execute(_insert_unless_present(db.get_bind().dialect.name, first))
        if not inserted.rowcount:  # type: ignore[attr-defined]
            # A concurrent first failure created the row: count this one on it.
            await _count_failure(db, project_id, user_id, now)
    await db.execute(
        update(UserLock)
        .where(
            UserLock.project_id == project_id,
            UserLock.user_id == user_id,
            UserLock.failed_attempts >= LOCK_THRESHOLD,
            (UserLock.lock_expires_at.is_(None)) | (UserLock.lock_expires_at <= now),
        )
        .values(lock_created_at=now, lock_expires_at=now + LOCK_DURATION, failed_attempts=0)
        .execution_options(synchronize_session=False)
    )


async def clear_failures(db: AsyncSession, project_id: str, user_id: str) -> None:
    """A successful authentication forgets earlier failures (a lock, if any, stays until it expires)."""
    await db.execute(
        update(UserLock)
        .where(UserLock.project_id == project_id, UserLock.user_id == user_id, UserLock.failed_attempts > 0)
        .values(failed_attempts=0)
        .execution_options(synchronize_session=False)
    )


async def unlock(db: AsyncSession, project_id: str, user_id: str) -> None:
    """Lift a lock: the user proved they own the email address (a reset by email)."""
    await db.execute(
        update(UserLock)
        .where(UserLock.project_id == project_id, UserLock.user_id == user_id)
        .values(failed_attempts=0, lock_created_at=None, lock_expires_at=None)
        .execution_options(synchronize_session=False)
    )
