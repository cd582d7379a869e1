"""Fixed-window counters shared by every server: one in Redis, one in the database. Both raise
`too_many_requests` with `Retry-After` once a key has been counted `limit` times in its window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from redis.asyncio import Redis
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.db.uow import unit_of_work
from keystile.errors import retry_later
from keystile.throttle.windows import count_in_window, window_start

# How many times a counting transaction aborted by the database is run before the error stands.
DEADLOCK_ATTEMPTS = 3
# The `project_id` of counters that span projects (per IP): no project has this id.
ALL_PROJECTS = "*"


class WindowCounter(Protocol):
    async def count(self, key: str, *, limit: int, window: timedelta, now: datetime) -> None:
        """Count one request under `key`, or raise `too_many_requests` when its window is full."""

    async def close(self) -> None:
        """Release connections."""


class DatabaseCounter:
    """Counts in the `send_counters` table, each count in a transaction of its own: a refused or
    failed request still counts, as it should against someone probing."""

    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self.sessions = sessions

    async def count(self, key: str, *, limit: int, window: timedelta, now: datetime) -> None:
        for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
            try:
                async with unit_of_work(self.sessions) as db:
                    await count_in_window(
                        db, project_id=ALL_PROJECTS, key=key, limit=limit, window=window, now=now
                    )
                return
            except OperationalError:
                # InnoDB may pick racing first counts of a key as deadlock victims: count again.
                if attempt == DEADLOCK_ATTEMPTS:
                    raise

    async def close(self) -> None:
        return None


class RedisCounter:
    """Counts with INCR and EXPIRE in one MULTI round trip, on a key per window. Redis errors
    (`redis.RedisError`) reach the caller, which decides whether to fail open or closed."""

    def __init__(self, url: str) -> None:
        self.redis: Redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    async def count(self, key: str, *, limit: int, window: timedelta, now: datetime) -> None:
        start = window_start(now, window)
        redis_key = f"keystile:ratelimit:{key}:{int(start.timestamp())}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(redis_key)
            pipe.expire(redis_key, int(window.total_seconds()) + 1)
            counted, _ = await pipe.execute()
        if int(counted) > limit:
            raise retry_later("too_many_requests", (start + window - now).total_seconds())

    async def close(self) -> None:
        await self.redis.aclose()
