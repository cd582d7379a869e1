"""Where the session engine reads active sessions (`SessionStore`, kratos-style), and the store a unit
of work's factory holds: the direct, coalesced one, with the session JWT caches beside it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from keystile.db.direct_reads import unwritten
from keystile.db.engine import ATTACHED, DEADLINE
from keystile.sessions.active_query import SessionQueries
from keystile.sessions.direct_store import DirectSessionStore
from keystile.sessions.recent_jwts import RecentJwts
from keystile.sessions.types import SessionName
from keystile.sessions.verified_jwts import VerifiedJwts

T = TypeVar("T")
_STORE = "session_store"


class SessionStore(Protocol):
    """The reads the session engine needs, and its JWT caches."""

    recent_jwts: RecentJwts
    verified_jwts: VerifiedJwts

    async def active(
        self, queries: SessionQueries[T], *, project_id: str, name: SessionName, now: datetime
    ) -> T | None:
        """The project's session named by `name` if it is active at `now`, as `queries` decodes it
        (with its subject), from committed rows; None otherwise."""
        ...


def attach_session_store(db_sessions: async_sessionmaker[Any], store: SessionStore) -> None:
    """Make `store` the one that units of work of `db_sessions` (a `session_factory`) use."""
    db_sessions.kw["info"][ATTACHED][_STORE] = store


def session_store(db: AsyncSession) -> SessionStore:
    """The store attached to `db`'s factory: on first use, a `DirectSessionStore` on its engine."""
    attached = db.info[ATTACHED]
    store: SessionStore | None = attached.get(_STORE)
    if store is None:
        engine = db.bind
        assert isinstance(engine, AsyncEngine), "sessions are bound to one async engine"
        store = attached[_STORE] = DirectSessionStore(engine, deadline=db.info.get(DEADLINE))
    return store


async def read_active(
    db: AsyncSession, queries: SessionQueries[T], *, project_id: str, name: SessionName, now: datetime
) -> T | None:
    """`SessionStore.active` on the store of `db`, whose unit of work must not have written yet: the
    store reads committed rows beside it, which would miss the unit of work's own changes."""
    assert unwritten(db), "read active sessions before the unit of work writes"
    return await session_store(db).active(queries, project_id=project_id, name=name, now=now)
