"""Reads sent straight to the database driver: a Core SELECT compiled once per dialect, run on a pooled
connection without SQLAlchemy's execution layer, its rows converted by the statement's column types.

For the hottest read of the API (sessions.authenticate), where SQLAlchemy's async execution (greenlet
hand-offs, BEGIN and COMMIT round trips) costs several times what the query does. A single SELECT
needs no transaction: it reads committed rows, as a READ COMMITTED transaction would. It does not see
a unit of work's uncommitted changes, so it belongs before that unit of work writes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.util import greenlet_spawn

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    parameter_names: tuple[str, ...]  # in the order of the SQL's positional placeholders
    bind_processors: Mapping[str, Processor]
    result_processors: tuple[Processor, ...]


class DirectRead:
    """A SELECT whose parameters are all named `bindparam`s, compiled lazily for each dialect."""

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup or ())
            binds = {
                name: compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            }
            results = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
            found = self._compiled[dialect.name] = _Compiled(compiled.string, names, binds, results)
        return found


async def fetch_all(db: AsyncSession, read: DirectRead, parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of `read` with `parameters`, converted to Python values as SQLAlchemy would, read on a
    connection of the engine `db` is bound to, around (not inside) `db`'s unit of work.

    A driver error becomes an `OperationalError` (the API's 503) and discards the connection, as
    does a cancellation (a deadline) that may have left it mid-protocol.
    """
    engine = db.bind
    assert isinstance(engine, AsyncEngine), "sessions are bound to one async engine"
    compiled = read.compiled(engine.dialect)
    arguments = []
    for name in compiled.parameter_names:
        process = compiled.bind_processors[name]
        arguments.append(process(parameters[name]) if process else parameters[name])
    pooled = await engine.raw_connection()
    try:
        rows = await _driver_fetch(engine.dialect.name, pooled.driver_connection, compiled.sql, arguments)
    except BaseException as error:
        await greenlet_spawn(pooled.invalidate, error if isinstance(error, Exception) else None)
        await greenlet_spawn(pooled.close)
        if isinstance(error, Exception):
            raise OperationalError(compiled.sql, None, error) from error
        raise
    await greenlet_spawn(pooled.close)  # back to the pool, which ends MySQL's implicit transaction
    processors = compiled.result_processors
    return [
        tuple(process(value) if process else value for process, value in zip(processors, row, strict=True))
        for row in rows
    ]


async def _driver_fetch(dialect_name: str, connection: Any, sql: str, arguments: list[Any]) -> Sequence[Any]:
    if dialect_name == "postgresql":  # asyncpg
        return await connection.fetch(sql, *arguments)  # type: ignore[no-any-return]
    if dialect_name == "sqlite":  # aiosqlite: one hop to its thread
        return await connection.execute_fetchall(sql, arguments)  # type: ignore[no-any-return]
    async with connection.cursor() as cursor:  # aiomysql
        await cursor.execute(sql, arguments)
        return await cursor.fetchall()  # type: ignore[no-any-return]
