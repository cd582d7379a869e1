"""Queries for the failure counters and locks of one project's users. Every change is one conditional
statement, so concurrent failures on several servers are all counted."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Insert, bindparam, case, or_, select, update

from keystile.db.base import UTCDateTime
from keystile.db.dialects import insert_ignoring_conflicts, upsert
from keystile.db.project_rows import ProjectScoped
from keystile.db.results import rows_changed
from keystile.identity.models import User, UserLock


def _unlocked(now: datetime) -> ColumnElement[bool]:
    return or_(UserLock.lock_expires_at.is_(None), UserLock.lock_expires_at <= now)


@cache
def _claim(dialect: str) -> Insert:
    """Count one failure for `user_id` unless locked (a window older than `stale_before` starts over,
    the first failure creates the row), returning the count and the lock: built once per dialect."""
    now = bindparam("now", type_=UTCDateTime())
    stale = UserLock.window_started_at <= bindparam("stale_before", type_=UTCDateTime())
    locked = UserLock.lock_expires_at > now
    first: dict[str, Any] = {"project_id": bindparam("project_id"), "user_id": bindparam("user_id")}
    changes = [
        # The count goes first so that it still sees the old window (MySQL assigns left to right).
        (
            "failed_attempts",
            case((locked, UserLock.failed_attempts), (stale, 1), else_=UserLock.failed_attempts + 1),
        ),
        (
            "window_started_at",
            case((locked, UserLock.window_started_at), (stale, now), else_=UserLock.window_started_at),
        ),
    ]
    counted = upsert(UserLock, {**first, "failed_attempts": 1, "window_started_at": now}, changes, dialect)
    return counted.returning(UserLock.failed_attempts, UserLock.lock_expires_at)


class LockRepository(ProjectScoped):
    """Reads and writes the failure counters and locks of one project's users."""

    def _of(self, user_id: str) -> ColumnElement[bool]:
        return (UserLock.project_id == self.project_id) & (UserLock.user_id == user_id)

    async def state(self, user_id: str) -> UserLock | None:
        """The user's failure counter and lock, if the user ever failed to authenticate."""
        return await self.db.scalar(select(UserLock).where(self._of(user_id)))

    async def active(self, subject_ids: list[str], now: datetime) -> list[tuple[str, datetime, datetime]]:
        """The subjects' unexpired locks: (subject id, created at, expires at)."""
        rows = await self.db.execute(
            select(UserLock.user_id, UserLock.lock_created_at, UserLock.lock_expires_at).where(
                UserLock.project_id == self.project_id,
                UserLock.user_id.in_(subject_ids),
                UserLock.lock_expires_at > now,
            )
        )
        return [
            (subject, created, expires) for subject, created, expires in rows.all() if created and expires
        ]

    async def hold_user(self, user_id: str) -> None:
        """Lock the user's row until the transaction ends (a no-op on SQLite, whose writers queue up)."""
        await self.db.execute(
            select(User.user_id)
            .where(User.project_id == self.project_id, User.user_id == user_id)
            .with_for_update()
        )

    async def count_failure(self, user_id: str, now: datetime, window: timedelta) -> int:
        """Add one failure to the window of a user who is not locked (a window older than `window`
        starts over); rows updated."""
        stale = UserLock.window_started_at <= now - window
        result = await self.db.execute(
            update(UserLock)
            .where(self._of(user_id), _unlocked(now))
            # MySQL assigns left to right, each assignment seeing the ones before it: the count goes
            # first so that it still sees the old window.
            .ordered_values(
                (UserLock.failed_attempts, case((stale, 1), else_=UserLock.failed_attempts + 1)),
                (UserLock.window_started_at, case((stale, now), else_=UserLock.window_started_at)),
            )
            .execution_options(synchronize_session=False)
        )
        return rows_changed(result)

    async def claim(self, user_id: str, now: datetime, window: timedelta) -> tuple[int, datetime | None]:
        """Count a failure of a user who is not locked, creating the user's row on the first one, in one
        atomic statement: the failures in the window and when a lock expires, as the count left them."""
        statement = _claim(self.db.get_bind().dialect.name)
        parameters: dict[str, Any] = {"project_id": self.project_id, "user_id": user_id}
        parameters |= {"now": now, "stale_before": now - window}
        attempts, lock_expires_at = (await self.db.execute(statement, parameters)).one()
        return attempts, lock_expires_at

    async def add_first_failure(self, user_id: str, now: datetime) -> bool:
        """Create the user's row with one failure; False when it exists already."""
        first = {
            "project_id": self.project_id,
            "user_id": user_id,
            "failed_attempts": 1,
            "window_started_at": now,
        }
        dialect = self.db.get_bind().dialect.name
        return rows_changed(await self.db.execute(insert_ignoring_conflicts(UserLock, first, dialect))) > 0

    async def lock_at(self, user_id: str, threshold: int, now: datetime, duration: timedelta) -> None:
        """Lock the user, unless locked already, when the window holds `threshold` failures."""
        await self.db.execute(
            update(UserLock)
            .where(self._of(user_id), UserLock.failed_attempts >= threshold, _unlocked(now))
            .values(lock_created_at=now, lock_expires_at=now + duration, failed_attempts=0)
            .execution_options(synchronize_session=False)
        )

    async def forget_failures(self, user_id: str, *, one: bool = False) -> None:
        """Clear the user's failures (or take one back, `one`); a lock stays until it expires."""
        failures = UserLock.failed_attempts - 1 if one else 0
        await self.db.execute(
            update(UserLock)
            .where(self._of(user_id), UserLock.failed_attempts > 0)
            .values(failed_attempts=failures)
            .execution_options(synchronize_session=False)
        )

    async def unlock(self, user_id: str) -> None:
        await self.db.execute(
            update(UserLock)
            .where(self._of(user_id))
            .values(failed_attempts=0, lock_created_at=None, lock_expires_at=None)
            .execution_options(synchronize_session=False)
        )
