"""Locking a user after repeated failed authentications, whatever the factor: 10 failures within an
hour lock the user for an hour (Stytch's defaults). Exactly one of concurrent failures creates the lock.
A password or TOTP attempt is counted, and committed, before it is checked, so concurrent guesses
cannot all pass the threshold."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import CommittedRefusal, KeystileError
from keystile.identity.locks import LockRepository
from keystile.identity.models import UserLock
from keystile.identity.views import ActiveLock

LOCK_THRESHOLD: Final = 10
FAILURE_WINDOW: Final = timedelta(hours=1)
LOCK_DURATION: Final = timedelta(hours=1)


async def lock_state(db: AsyncSession, project_id: str, user_id: str) -> UserLock | None:
    """The user's failure counter and lock, if the user ever failed to authenticate."""
    return await LockRepository(db, project_id).state(user_id)


def is_locked(lock: UserLock, now: datetime) -> bool:
    return lock.lock_expires_at is not None and lock.lock_expires_at > now


async def refuse_if_locked(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    if (lock := await lock_state(db, project_id, user_id)) is not None and is_locked(lock, now):
        raise KeystileError("user_lock_limit_reached")


async def active_locks(
    db: AsyncSession, project_id: str, subject_ids: list[str], now: datetime
) -> dict[str, ActiveLock]:
    """The unexpired locks of `subject_ids` (users, or whatever else is locked: members, passwords), by id."""
    if not subject_ids:
        return {}
    found = await LockRepository(db, project_id).active(subject_ids, now)
    return {
        subject: ActiveLock(created_at=created, expires_at=expires) for subject, created, expires in found
    }


async def _held(db: AsyncSession, project_id: str, user_id: str) -> LockRepository:
    """The lock repository, once the user's row is held: every change of a user's counter queues up
    behind the others (MySQL deadlocks concurrent changes of one counter row otherwise)."""
    locks = LockRepository(db, project_id)
    await locks.hold_user(user_id)
    return locks


async def _add_failure(locks: LockRepository, user_id: str, now: datetime) -> None:
    """Count a failure of a user who is not locked, creating the user's row on the first one."""
    if not await locks.count_failure(user_id, now, FAILURE_WINDOW) and not await locks.add_first_failure(
        user_id, now
    ):
        # A concurrent first failure created the row (or the user is locked): count this one on it.
        await locks.count_failure(user_id, now, FAILURE_WINDOW)


async def lock_when_reached(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Lock the user, unless locked already, once the window holds the threshold's failures (after a
    claimed attempt failed, it is counted already)."""
    await (await _held(db, project_id, user_id)).lock_at(user_id, LOCK_THRESHOLD, now, LOCK_DURATION)


async def record_failure(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Count a failed authentication; the one that reaches the threshold locks the user."""
    locks = await _held(db, project_id, user_id)
    await _add_failure(locks, user_id, now)
    await locks.lock_at(user_id, LOCK_THRESHOLD, now, LOCK_DURATION)


async def claim_attempt(db: AsyncSession, project_id: str, user_id: str, now: datetime) -> None:
    """Count an attempt as a failure before it is checked, and commit the count at once, so that each
    of many concurrent attempts sees those before it: at most `LOCK_THRESHOLD` are ever checked, the
    next one locks the user. Refused with `user_lock_limit_reached` while the user is locked.

    After the check, a success calls `clear_failures` and a failure `lock_when_reached`. Call it
    before the unit of work writes anything else, which the early commit would take along; it also
    hands the connection back to the pool while the (slow) check runs."""
    assert not (db.new or db.dirty or db.deleted), "only the attempt may be committed early"
    locks = LockRepository(db, project_id)
    # One atomic upsert counts the attempt and reads the count: concurrent claims queue on the row.
    attempts, lock_expires_at = await locks.claim(user_id, now, FAILURE_WINDOW)
    if lock_expires_at is not None and lock_expires_at > now:
        raise KeystileError("user_lock_limit_reached")
    if attempts > LOCK_THRESHOLD:
        await locks.lock_at(user_id, LOCK_THRESHOLD, now, LOCK_DURATION)
        raise CommittedRefusal("user_lock_limit_reached")
    await db.commit()


async def clear_failures(db: AsyncSession, project_id: str, user_id: str) -> None:
    """A successful authentication forgets earlier failures (a lock, if any, stays until it expires):
    one UPDATE of the user's row, which takes no other row's lock (so waits behind no other)."""
    await LockRepository(db, project_id).forget_failures(user_id)


async def release_attempt(db: AsyncSession, project_id: str, user_id: str) -> None:
    """Take back one claimed attempt that turned out to be no guess."""
    await (await _held(db, project_id, user_id)).forget_failures(user_id, one=True)


async def unlock(db: AsyncSession, project_id: str, user_id: str) -> None:
    """Lift a lock: the user proved they own the email address (a reset by email)."""
    await (await _held(db, project_id, user_id)).unlock(user_id)
