"""Tuning a unit of work for a bulk write, per database."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# 64 MiB of page cache instead of SQLite's default 2 MiB (a negative cache_size counts KiB).
SQLITE_BULK_CACHE_KIB = 65_536


async def prepare_bulk_insert(db: AsyncSession) -> None:
    """Ready `db`'s connection for large batches of inserts. On SQLite: random ids and addresses land all
    over the indexes, and a cache that holds them keeps a large import from rereading the same pages for
    every batch. The other databases size their caches server-side."""
    if db.get_bind().dialect.name == "sqlite":
        await db.execute(text(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}"))
