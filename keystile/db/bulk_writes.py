"""Tuning a unit of work for a bulk write, per database, and PostgreSQL's COPY of many rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

# 64 MiB of page cache instead of SQLite's default 2 MiB (a negative cache_size counts KiB).
SQLITE_BULK_CACHE_KIB = 65_536
# SQLSTATE class 23: a unique, foreign key, not-null or check constraint refused a row.
INTEGRITY_VIOLATIONS = "23"


async def prepare_bulk_insert(db: AsyncSession) -> None:
    """Ready `db`'s connection for large batches of inserts. On SQLite: random ids and addresses land all
    over the indexes, and a cache that holds them keeps a large import from rereading the same pages for
    every batch. The other databases size their caches server-side."""
    dialect = db.get_bind().dialect.name
    if dialect == "sqlite":
        await db.execute(text(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}"))
    elif dialect == "postgresql":
        # An import resumes where it stopped, so a crash that loses the last batches' commits costs
        # nothing, while waiting for each batch's WAL flush costs every batch. (This also begins the
        # transaction that `copy_rows` writes in.)
        await db.execute(text("SET LOCAL synchronous_commit = off"))


async def copy_rows(connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """`rows` (every column of `table` in each) into `table` by one COPY, in `connection`'s transaction,
    converted as an INSERT would bind them; a unique violation is SQLAlchemy's IntegrityError, as from
    an INSERT. PostgreSQL with asyncpg only: a COPY skips the per-row parse and bind of an INSERT."""
    dialect = connection.dialect
    columns = list(table.columns)
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    records = [
        tuple(
            process(row[column.key]) if process else row[column.key]
            for column, process in zip(columns, processors, strict=True)
        )
        for row in rows
    ]
    driver: Any = (await connection.get_raw_connection()).driver_connection
    try:
        await driver.copy_records_to_table(
            table.name, records=records, columns=[column.name for column in columns]
        )
    except Exception as error:
        if str(getattr(error, "sqlstate", "")).startswith(INTEGRITY_VIOLATIONS):
            raise IntegrityError(f"COPY {table.name}", None, error) from error
        raise
