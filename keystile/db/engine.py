"""Turning a plain SQLAlchemy URL into an async engine with the right driver for each database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from keystile.config import Settings
from keystile.db.liveness import ping_idle_connections

ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "mysql": "mysql+aiomysql",
    "mariadb": "mysql+aiomysql",
}
# How long SQLite waits for another writer's lock when no deadline is set (the CLI).
SQLITE_LOCK_WAIT_SECONDS = 30.0
# Connections a process keeps open (PostgreSQL, MySQL: KEYSTILE_DATABASE_POOL_SIZE). Measured: a pool
# smaller than the requests in flight opens and closes a connection per request beyond it (its
# overflow), which costs more than the request. A SQLite connection is also a thread, and more threads
# than cores contend for the GIL; SQLite writes one at a time anyway.
DEFAULT_POOL_SIZE = 32
SQLITE_POOL_SIZE = 4
# The key of `Session.info` under which a unit of work finds its deadline.
DEADLINE = "keystile_deadline_seconds"
# The key of `Session.info` under which `enqueue_email` finds the hourly cap of emails per address.
EMAILS_PER_ADDRESS_PER_HOUR = "keystile_emails_per_address_per_hour"
# The key of `Session.info` of a dict that every session of one factory shares: what domains attach to
# the factory for its life (the session store, `keystile.sessions.store`).
ATTACHED = "keystile_attached"


def async_url(raw: str) -> URL:
    """Map `sqlite:///x.db`, `postgresql://…`, `mysql://…` or `mariadb://…` to its async driver."""
    url = make_url(raw)
    backend = url.get_backend_name()
    if backend not in ASYNC_DRIVERS:
        raise ValueError(f"unsupported database: {backend!r} (use sqlite, postgresql or mysql)")
    url = url.set(drivername=ASYNC_DRIVERS[backend])
    if url.get_backend_name() == "mysql" and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _sqlite_tuning(lock_wait_seconds: float) -> Callable[[Any, Any], None]:
    def tune(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers proceed during a write; the busy timeout queues writers instead of failing.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_wait_seconds * 1000)}")
        cursor.close()

    return tune


def create_engine(
    raw_url: str, *, deadline_seconds: float | None = None, pool_size: int = DEFAULT_POOL_SIZE
) -> AsyncEngine:
    """An async engine for `raw_url`, creating the SQLite file's folder when needed. With a
    `deadline_seconds` (see `session_factory`), SQLite waits no longer than that for a lock: its
    driver thread cannot be interrupted, so a longer wait would outlast the deadline. `pool_size`
    connections are kept open to PostgreSQL or MySQL."""
    url = async_url(raw_url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock_wait = deadline_seconds or SQLITE_LOCK_WAIT_SECONDS
        engine = create_async_engine(
            url,
            connect_args={"timeout": lock_wait},
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=SQLITE_POOL_SIZE,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_tuning(lock_wait))
        return engine
    # The overflow serves a peak (and a request that holds two connections at once) without waiting.
    options: dict[str, Any] = {"pool_size": pool_size, "max_overflow": max(pool_size // 4, 1)}
    if url.get_backend_name() == "mysql":
        options["pool_recycle"] = 3600
        # PostgreSQL's isolation: under InnoDB's default REPEATABLE READ, a conditional UPDATE that
        # finds no row takes a gap lock, and concurrent first INSERTs into that gap deadlock (503s).
        options["isolation_level"] = "READ COMMITTED"
    engine = create_async_engine(url, **options)
    ping_idle_connections(engine)
    return engine


def session_factory(
    engine: AsyncEngine, *, deadline_seconds: float | None = None, emails_per_address_per_hour: int = 0
) -> async_sessionmaker[Any]:
    """Sessions that keep loaded values after commit (responses are built after the commit); each
    `unit_of_work` on them ends within `deadline_seconds` (None: no deadline, as the CLI runs), and
    queues at most `emails_per_address_per_hour` emails to one address of a project (0: no cap)."""
    info: dict[str, Any] = {
        DEADLINE: deadline_seconds,
        EMAILS_PER_ADDRESS_PER_HOUR: emails_per_address_per_hour,
        ATTACHED: {},
    }
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


def server_database(settings: Settings) -> tuple[AsyncEngine, async_sessionmaker[Any]]:
    """The engine and sessions of a long-running process (`keystile serve`, `keystile worker`): the
    configured pool, and every unit of work held to the configured database deadline."""
    deadline = settings.database_timeout_seconds
    engine = create_engine(
        settings.database_url, deadline_seconds=deadline, pool_size=settings.database_pool_size
    )
    cap = settings.rate_limit_emails_per_address_per_hour
    return engine, session_factory(engine, deadline_seconds=deadline, emails_per_address_per_hour=cap)
