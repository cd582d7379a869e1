"""A scratch PostgreSQL database for a benchmark, on the test suite's default server unless
$KEYSTILE_TEST_PG names another: created empty, dropped afterwards."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

PG_DSN = os.environ.get("KEYSTILE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


async def _recreate(name: str, *, create: bool) -> None:
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """The URL of database `name`, fresh, until the block ends."""
    asyncio.run(_recreate(name, create=True))
    try:
        yield PG_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_recreate(name, create=False))
