"""What every request handler can reach: settings, database sessions, the clock, caches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from keystile.api.credential_cache import CredentialCache
from keystile.clock import Clock
from keystile.config import Settings


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[Any]
    clock: Clock
    credentials: CredentialCache = field(default_factory=CredentialCache)


def app_state(request: Request) -> AppState:
    return cast(AppState, request.app.state.keystile)
