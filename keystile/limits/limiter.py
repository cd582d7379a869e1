"""`RateLimiter.check`: the per-IP and per-project limits of one request, by the kind of request.

Sends (emails and texts) are limited per IP and per project and fail closed when Redis is down (503);
credential checks (attempts) are limited per IP and fail open; session checks, the hot path, are
counted only when `rate_limit_session_checks_per_ip` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog
from redis import RedisError
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.config import Settings
from keystile.errors import retry_later
from keystile.limits.counters import DatabaseCounter, RedisCounter, WindowCounter
from keystile.limits.send_slots import slot_key

log = structlog.get_logger("keystile.limits")

LimitedRequest = Literal["sends", "attempts", "session_checks"]
# How long a caller refused because Redis is unreachable should wait before retrying.
UNAVAILABLE_RETRY_SECONDS = 5


@dataclass(frozen=True)
class Limit:
    kind: str  # "send_ip", "send_project", …: the counter key's prefix
    subject: str  # the IP address or project id counted
    limit: int


class RateLimiter:
    def __init__(self, settings: Settings, counter: WindowCounter) -> None:
        self.settings = settings
        self.counter = counter
        self.window = timedelta(seconds=settings.rate_limit_window_seconds)

    def limits(self, request: LimitedRequest, ip: str, project_id: str) -> list[Limit]:
        """The limits that apply to a request of this kind."""
        s = self.settings
        if request == "sends":
            return [
                Limit("send_ip", ip, s.rate_limit_sends_per_ip),
                Limit("send_project", project_id, s.rate_limit_sends_per_project),
            ]
        if request == "attempts":
            return [Limit("attempt_ip", ip, s.rate_limit_attempts_per_ip)]
        return [Limit("session_ip", ip, s.rate_limit_session_checks_per_ip)]

    async def check(self, request: LimitedRequest, ip: str, project_id: str, now: datetime) -> None:
        """Count the request against its limits; raise `too_many_requests` when one is reached, or
        `service_unavailable` when the counters are unreachable and the limits fail closed (sends)."""
        for limit in self.limits(request, ip, project_id):
            if limit.limit <= 0:  # 0 turns a limit off
                continue
            key = slot_key(limit.kind, limit.subject)
            try:
                await self.counter.count(key, limit=limit.limit, window=self.window, now=now)
            except RedisError as error:
                log.warning("rate_limit_store_unavailable", error_class=type(error).__name__)
                if request == "sends":
                    raise retry_later("service_unavailable", UNAVAILABLE_RETRY_SECONDS) from None
                return

    async def close(self) -> None:
        await self.counter.close()


def rate_limiter(settings: Settings, sessions: async_sessionmaker[Any]) -> RateLimiter:
    """Counting in Redis when `redis_url` is set, in the database otherwise."""
    counter: WindowCounter = (
        RedisCounter(settings.redis_url) if settings.redis_url else DatabaseCounter(sessions)
    )
    return RateLimiter(settings, counter)
