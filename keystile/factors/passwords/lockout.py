"""Locking a user after repeated failed authentications: 10 failures within an hour lock the user for
an hour (Stytch's defaults). Counters change by single conditional UPDATEs, so concurrent failures on
several servers are all counted and exactly one of them creates the lock. A password or TOTP attempt
is counted, and committed, before it is checked, so concurrent guesses cannot all pass the threshold."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import ColumnElement, Insert, case, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import CommittedRefusal, KeystileError
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


def _unlocked(now: datetime) -> ColumnElement[bool]:
    return or_(UserLock.lock_expires_at.is_(None), UserLock.lock_expires_at <= now)


async def _count_failure(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> int:
    """Add one failure to the window of a user who is not locked (a stale window starts over); rows
    updated."""
    stale = UserLock.window_started_at <= now - FAILURE_WINDOW
    result = await db.execute(
        update(UserLock)
        .where(UserLock.project_id == project_id, UserLock.user_id == user_id, _unlocked(now))
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


async def _add_failure(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Count a failure of a user who is not locked, creating the user's row on the first one."""
    if not await _count_failure(db, project_id, user_id, now):
        first = {"project_id": project_id, "user_id": user_id, "failed_attempts": 1, "window_started_at": now}
        inserted = await db.execute(_insert_unless_present(db.get_bind().dialect.name, first))
        if not inserted.rowcount:  # type: ignore[attr-defined]
            # A concurrent first failure created the row (or the user is locked): count this one on it.
            await _count_failure(db, project_id, user_id, now)


async def lock_when_reached(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Lock the user, unless locked already, once the window holds the threshold's failures (after a
    claimed attempt failed, it is counted already)."""
    await db.execute(
        update(UserLock)
        .where(
            UserLock.project_id == project_id,
            UserLock.user_id == user_id,
            UserLock.failed_attempts >= LOCK_THRESHOLD,
            _unlocked(now),
        )
        .values(lock_created_at=now, lock_expires_at=now + LOCK_DURATION, failed_attempts=0)
        .execution_options(synchronize_session=False)
    )


async def record_failure(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Count a failed authentication; the one that reaches the threshold locks the user."""
    await _add_failure(db, project_id, user_id, now)
    await lock_when_reached(db, project_id, user_id, now)


async def claim_attempt(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Count an attempt as a failure before it is checked, and commit the count at once, so that each
    of many concurrent attempts sees those before it: at most `LOCK_THRESHOLD` are ever checked, the
    next one locks the user. Refused with `user_lock_limit_reached` while the user is locked.

    After the check, a success calls `clear_failures` and a failure `lock_when_reached`. Call it
    before the unit of work writes anything else, which the early commit would take along; it also
    hands the connection back to the pool while the (slow) check runs."""
    assert not (db.new or db.dirty or db.deleted), "only the attempt may be committed early"
    await _add_failure(db, project_id, user_id, now)
    state = await db.execute(
        select(UserLock.failed_attempts, UserLock.lock_expires_at).where(
            UserLock.project_id == project_id, UserLock.user_id == user_id
        )
    )
    attempts, lock_expires_at = state.one()
    if lock_expires_at is not None and lock_expires_at > now:
        raise KeystileError("user_lock_limit_reached")
    if attempts > LOCK_THRESHOLD:
        await lock_when_reached(db, project_id, user_id, now)
        raise CommittedRefusal("user_lock_limit_reached")
    await db.commit()


async def clear_failures(db: AsyncSession, project_id: str, user_id: str) -> None:
    """A successful authentication forgets earlier failures (a lock, if any, stays until it expires)."""
    await db.execute(
        update(UserLock)
        .where(UserLock.project_id == project_id, UserLock.user_id == user_id, UserLock.failed_attempts > 0)
        .values(failed_attempts=0)
        .execution_options(synchronize_session=False)
    )


async def release_attempt(db: AsyncSession, project_id: str, user_id: str) -> None:
    """Take back one claimed attempt that turned out to be no guess."""
    await db.execute(
        update(UserLock)
        .where(UserLock.project_id == project_id, UserLock.user_id == user_id, UserLock.failed_attempts > 0)
        .values(failed_attempts=UserLock.failed_attempts - 1)
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
