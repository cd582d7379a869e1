"""Delivery tests get a database of their own per engine: a server started by other tests on the
shared one runs a worker that would deliver (into its dev inbox) the messages these tests await."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.db.engine import create_engine, session_factory
from tests.conftest import database_name
from tests.support.databases import drop_database, fresh_database, selected_engines
from tests.support.smtp_sink import smtp_sink

__all__ = ["smtp_sink"]


@pytest.fixture(scope="session", params=selected_engines())
def outbox_database_url(request: pytest.FixtureRequest, run_dir: Path) -> Iterator[str]:
    """A fresh, migrated database on each engine, used by the delivery tests alone."""
    engine = str(request.param)
    name = f"{database_name()}_outbox"
    yield fresh_database(engine, name, run_dir)
    drop_database(engine, name)


@pytest.fixture(scope="session")
async def sessions(outbox_database_url: str) -> AsyncIterator[async_sessionmaker[Any]]:
    engine = create_engine(outbox_database_url)
    yield session_factory(engine)
    await engine.dispose()


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
