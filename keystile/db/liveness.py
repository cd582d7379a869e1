"""Is the database there: `ping` for the health check, and pooled connections checked before use only
when they sat idle (the database or a proxy may have dropped an idle one, while a ping on every
checkout would cost a round trip per request)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine

# A connection idle at least this long is pinged first; a broken one the pool replaces. One that
# breaks while in steady use fails its request (a 503), and the pool then recycles every connection.
IDLE_PING_SECONDS = 5.0


def ping_idle_connections(engine: AsyncEngine) -> None:
    """Make `engine`'s pool ping a connection idle for `IDLE_PING_SECONDS` before lending it."""
    sync_engine = engine.sync_engine

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # whatever the driver raises, the pool retries with a new connection
            raise DisconnectionError from error

    event.listen(sync_engine, "checkin", checked_in)
    event.listen(sync_engine, "checkout", checked_out)


async def ping(engine: AsyncEngine) -> None:
    """One round trip to the database on a pooled connection; raises when it does not answer."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
