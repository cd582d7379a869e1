"""`RateLimiter.check`: the per-IP and per-project limits of one request, by the endpoint it calls.

Sends (emails and texts) are limited per IP and per project and fail closed when Redis is down (503);
credential checks are limited per IP and fail open; sessions.authenticate, the hot path, is counted
only when `rate_limit_session_checks_per_ip` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from redis import RedisError
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.config import Settings
from keystile.errors import retry_later
from keystile.ratelimit.counters import DatabaseCounter, RedisCounter, WindowCounter
from keystile.throttle.service import slot_key

log = structlog.get_logger("keystile.ratelimit")

SEND_PATHS = frozenset(
    {
        "/v1/magic_links/email/login_or_create",
        "/v1/magic_links/email/send",
        "/v1/magic_links/email/invite",
        "/v1/passwords/email/reset/start",
        "/v1/otps/email/login_or_create",
        "/v1/otps/email/send",
        "/v1/otps/sms/login_or_create",
        "/v1/otps/sms/send",
        "/v1/otps/whatsapp/login_or_create",
        "/v1/otps/whatsapp/send",
        "/v1/b2b/magic_links/email/login_or_signup",
        "/v1/b2b/magic_links/email/invite",
        "/v1/b2b/magic_links/email/discovery/send",
    }
)
ATTEMPT_PATHS = frozenset(
    {
        "/v1/magic_links/authenticate",
        "/v1/passwords/authenticate",
        "/v1/otps/authenticate",
        "/v1/totps/authenticate",
        "/v1/b2b/magic_links/authenticate",
        "/v1/b2b/magic_links/discovery/authenticate",
    }
)
SESSION_PATHS = frozenset({"/v1/sessions/authenticate", "/v1/b2b/sessions/authenticate"})
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

    def limits(self, path: str, ip: str, project_id: str) -> tuple[list[Limit], bool]:
        """The limits that apply to a request on `path`, and whether they fail closed."""
        s = self.settings
        if path in SEND_PATHS:
            sends = [Limit("send_ip", ip, s.rate_limit_sends_per_ip)]
            return [*sends, Limit("send_project", project_id, s.rate_limit_sends_per_project)], True
        if path in ATTEMPT_PATHS:
            return [Limit("attempt_ip", ip, s.rate_limit_attempts_per_ip)], False
        if path in SESSION_PATHS:
            return [Limit("session_ip", ip, s.rate_limit_session_checks_per_ip)], False
        return [], False

    async def check(self, path: str, ip: str, project_id: str, now: datetime) -> None:
        """Count the request against its limits; raise `too_many_requests` when one is reached, or
        `service_unavailable` when the counters are unreachable and the limits fail closed."""
        limits, fail_closed = self.limits(path, ip, project_id)
        for limit in limits:
            if limit.limit <= 0:  # 0 turns a limit off
                continue
            key = slot_key(limit.kind, limit.subject)
            try:
                await self.counter.count(key, limit=limit.limit, window=self.window, now=now)
            except RedisError as error:
                log.warning("rate_limit_store_unavailable", error_class=type(error).__name__)
                if fail_closed:
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
