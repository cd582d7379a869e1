"""What every request handler can reach: settings, database sessions, the clock, caches."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from keystile.api.credential_cache import CredentialCache
from keystile.clock import Clock
from keystile.config import Settings
from keystile.limits.limiter import RateLimiter
from keystile.rbac.cache import PolicyCache
from keystile.sessions.keys import KeyRing
from keystile.sessions.store import SessionStore


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[Any]
    clock: Clock
    keys: KeyRing
    session_store: SessionStore
    limiter: RateLimiter
    # Each project's RBAC policy, for authorization checks without a query.
    policies: PolicyCache
    credentials: CredentialCache = field(default_factory=CredentialCache)
    # Set to make the in-process outbox worker look now instead of at its next poll.
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    def wake_outbox(self) -> None:
        """Called once outbox messages are committed, so they leave without waiting for the poll."""
        self.outbox_wakeup.set()


def app_state(request: Request) -> AppState:
    return cast(AppState, request.app.state.keystile)
