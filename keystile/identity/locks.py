"""Queries for the failure counters and locks of one project's users. Every change is one conditional
statement, so concurrent failures on several servers are all counted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, or_, select, update

from keystile.db.dialects import insert_ignoring_conflicts
from keystile.db.project_rows import ProjectScoped
from keystile.db.results import rows_changed
from keystile.identity.models import User, UserLock


def _unlocked(now: datetime) -> ColumnElement[bool]:
    return or_(UserLock.lock_expires_at.is_(None), UserLock.lock_expires_at <= now)


class LockRepository(ProjectScoped):
    """Reads and writes the failure counters and locks of one project's users."""

    def _of(self, user_id: str) -> ColumnElement[bool]:
        return (UserLock.project_id == self.project_id) & (UserLock.user_id == user_id)

    async def state(self, user_id: str) -> UserLock | None:
        """The user's failure counter and lock, if the user ever failed to authenticate."""
        return await self.db.scalar(select(UserLock).where(self._of(user_id)))

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

    async def attempts_and_lock(self, user_id: str) -> tuple[int, datetime | None]:
        """The user's failures in the window and when a lock expires (after a failure was counted)."""
        state = await self.db.execute(
            select(UserLock.failed_attempts, UserLock.lock_expires_at).where(self._of(user_id))
        )
        attempts, lock_expires_at = state.one()
        return attempts, lock_expires_at

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
