"""Fixed-window counters shared by every server: in Redis (through the `limits` library) or in the
database. Both raise `too_many_requests` with `Retry-After` once a key has been counted `limit` times
in its window."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from redis.asyncio import ConnectionPool
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.db.uow import unit_of_work
from keystile.errors import retry_later
from keystile.limits.windows import count_in_window

# How many times a counting transaction aborted by the database is run before the error stands.
DEADLOCK_ATTEMPTS = 3
# The `project_id` of counters that span projects (per IP): no project has this id.
ALL_PROJECTS = "*"
REDIS_TIMEOUT_SECONDS = 0.5


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
    """Counts with `limits`' fixed window (INCR and EXPIRE in one script) on Redis's clock. Redis
    errors (`redis.RedisError`) reach the caller, which decides whether to fail open or closed."""

    def __init__(self, url: str) -> None:
        self.pool = ConnectionPool.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        storage = RedisStorage(
            f"async+{url}",
            implementation="redispy",
            key_prefix="keystile:ratelimit",
            connection_pool=cast(Any, self.pool),
        )
        self.limiter = FixedWindowRateLimiter(storage)

    async def count(self, key: str, *, limit: int, window: timedelta, now: datetime) -> None:
        item = RateLimitItemPerSecond(limit, int(window.total_seconds()))
        if await self.limiter.hit(item, key):
            return
        reset_at = (await self.limiter.get_window_stats(item, key)).reset_time
        raise retry_later("too_many_requests", reset_at - time.time())

    async def close(self) -> None:
        await self.pool.aclose()
