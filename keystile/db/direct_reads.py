"""Reads sent straight to the database driver: a Core SELECT compiled once per dialect, run on a pooled
connection without SQLAlchemy's execution layer, its rows converted by the statement's column types.

For the hottest reads of the API (sessions.authenticate, the M2M token endpoint), where SQLAlchemy's
async execution (greenlet hand-offs, BEGIN and COMMIT round trips) costs several times what the query
does. A single SELECT needs no transaction: it reads committed rows, as a READ COMMITTED transaction
would. It does not see a unit of work's uncommitted changes, so it belongs before that unit of work
writes anything.

On a SQLite file the read runs on the event loop's own thread, on a connection kept for reads: SQLite
answers from its page cache in tens of microseconds, less than a hand-off to aiosqlite's thread and
back costs, and under WAL a writer never blocks it. When it cannot read at once (a lock held during a
checkpoint or recovery), the read goes through the pool like the other engines' instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import CompoundSelect, Select, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.util import greenlet_spawn

from keystile.db.engine import sqlite_path

Processor = Callable[[Any], Any] | None
# How long a SQLite read on the event loop's thread may wait for a lock before it goes the pool's way.
SQLITE_READER_LOCK_WAIT_MS = 5
_sqlite_readers: WeakKeyDictionary[Engine, sqlite3.Connection] = WeakKeyDictionary()
# The key of `Session.info` set once a session has written (flushed, or sent an INSERT/UPDATE/DELETE).
_WROTE = "keystile_wrote"


@event.listens_for(OrmSession, "after_flush")
def _flushed(session: OrmSession, _context: object) -> None:
    session.info[_WROTE] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def unwritten(db: AsyncSession) -> bool:
    """Whether `db`'s unit of work has written nothing yet, nor holds changes to write: a direct read
    then sees what the unit of work sees."""
    return not (db.info.get(_WROTE) or db.new or db.dirty or db.deleted)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # In the order of the SQL's positional placeholders: each parameter's name and bind processor.
    parameters: tuple[tuple[str, Processor], ...]
    # Each result column that needs converting: its position and result processor.
    conversions: tuple[tuple[int, Callable[[Any], Any]], ...]


class DirectRead:
    """A SELECT whose parameters are all named `bindparam`s, compiled lazily for each dialect."""

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            parameters = tuple(
                (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                for name in compiled.positiontup or ()
            )
            results = (
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
            conversions = tuple((index, process) for index, process in enumerate(results) if process)
            found = self._compiled[dialect.name] = _Compiled(compiled.string, parameters, conversions)
        return found


async def fetch_all(db: AsyncSession, read: DirectRead, parameters: dict[str, Any]) -> list[list[Any]]:
    """The rows of `read` with `parameters`, converted to Python values as SQLAlchemy would, read on a
    connection of the engine `db` is bound to, around (not inside) `db`'s unit of work.

    A driver error becomes an `OperationalError` (the API's 503) and discards the connection, as
    does a cancellation (a deadline) that may have left it mid-protocol.
    """
    engine = db.bind
    assert isinstance(engine, AsyncEngine), "sessions are bound to one async engine"
    return await engine_fetch_all(engine, read, parameters)


async def engine_fetch_all(
    engine: AsyncEngine, read: DirectRead, parameters: dict[str, Any]
) -> list[list[Any]]:
    """`fetch_all` on a connection of `engine`."""
    compiled = read.compiled(engine.dialect)
    arguments = [
        process(parameters[name]) if process else parameters[name] for name, process in compiled.parameters
    ]
    raw = _read_sqlite_at_once(engine, compiled.sql, arguments)
    if raw is None:
        raw = await _read_pooled(engine, compiled.sql, arguments)
    rows = []
    for row in raw:
        values = list(row)
        for index, process in compiled.conversions:
            if values[index] is not None:  # NULL is None in every column type keystile declares
                values[index] = process(values[index])
        rows.append(values)
    return rows


def _read_sqlite_at_once(engine: AsyncEngine, sql: str, arguments: list[Any]) -> Sequence[Any] | None:
    """The rows, read at once on the engine's SQLite reader connection (opened on first use); None
    when not on a SQLite file, or when SQLite could not read within `SQLITE_READER_LOCK_WAIT_MS`."""
    reader = _sqlite_readers.get(engine.sync_engine)
    try:
        if reader is None:
            path = sqlite_path(engine.url)
            if path is None:
                return None
            # check_same_thread=False: the CLI and tests may run event loops on other threads; the
            # sqlite3 module serialises calls on one connection, and each read completes in one call.
            reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            reader.execute(f"PRAGMA busy_timeout={SQLITE_READER_LOCK_WAIT_MS}")
            _sqlite_readers[engine.sync_engine] = reader
        return reader.execute(sql, arguments).fetchall()
    except sqlite3.Error:
        return None


async def _read_pooled(engine: AsyncEngine, sql: str, arguments: list[Any]) -> Sequence[Any]:
    pooled = await engine.raw_connection()
    try:
        rows = await _driver_fetch(engine.dialect.name, pooled.driver_connection, sql, arguments)
    except BaseException as error:
        await greenlet_spawn(pooled.invalidate, error if isinstance(error, Exception) else None)
        await greenlet_spawn(pooled.close)
        if isinstance(error, Exception):
            raise OperationalError(sql, None, error) from error
        raise
    await greenlet_spawn(pooled.close)  # back to the pool, which ends MySQL's implicit transaction
    return rows


async def _driver_fetch(dialect_name: str, connection: Any, sql: str, arguments: list[Any]) -> Sequence[Any]:
    if dialect_name == "postgresql":  # asyncpg
        return await connection.fetch(sql, *arguments)  # type: ignore[no-any-return]
    if dialect_name == "sqlite":  # aiosqlite, in one hop to its thread
        return await connection.execute_fetchall(sql, arguments)  # type: ignore[no-any-return]
    async with connection.cursor() as cursor:  # aiomysql
        await cursor.execute(sql, arguments)
        return await cursor.fetchall()  # type: ignore[no-any-return]
