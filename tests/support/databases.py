"""Test databases on the three engines: one fresh, migrated database per engine and xdist worker."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import aiomysql
import asyncpg

from keystile.db.migrate import upgrade

ALL_ENGINES = ("sqlite", "postgresql", "mariadb")
PG_DSN = os.environ.get("KEYSTILE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
MARIADB_HOST = os.environ.get("KEYSTILE_TEST_MARIADB_HOST", "127.0.0.1")


def selected_engines() -> tuple[str, ...]:
    """Engines to test on: all three unless KEYSTILE_TEST_ENGINES narrows them."""
    raw = os.environ.get("KEYSTILE_TEST_ENGINES", "")
    chosen = tuple(e.strip() for e in raw.split(",") if e.strip())
    return chosen or ALL_ENGINES


async def _recreate_postgres(name: str, *, create: bool = True) -> None:
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _recreate_mariadb(name: str, *, create: bool = True) -> None:
    conn = await aiomysql.connect(host=MARIADB_HOST, port=3306, user="root", password="")
    try:
        async with conn.cursor() as cursor:
            await cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            if create:
                await cursor.execute(
                    f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
    finally:
        conn.close()


def drop_database(engine: str, name: str) -> None:
    """Remove a test database from a server engine (SQLite files go with the temp dir)."""
    if engine == "postgresql":
        asyncio.run(_recreate_postgres(name, create=False))
    elif engine == "mariadb":
        asyncio.run(_recreate_mariadb(name, create=False))


def fresh_database(engine: str, name: str, tmp_dir: Path) -> str:
    """Create an empty database called `name` on `engine`, migrate it, return its URL."""
    if engine == "sqlite":
        path = tmp_dir / f"{name}.db"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    elif engine == "postgresql":
        asyncio.run(_recreate_postgres(name))
        url = PG_DSN.rsplit("/", 1)[0] + f"/{name}"
    elif engine == "mariadb":
        asyncio.run(_recreate_mariadb(name))
        url = f"mysql://root@{MARIADB_HOST}:3306/{name}"
    else:
        raise ValueError(engine)
    upgrade(url)
    return url
