"""The fast `SessionStore`: each read is one query sent straight to the driver (`db.direct_reads`) on
a connection of its own, and the reads of one turn of the event loop share it (`db.coalesced_reads`).
It takes the engine, never a unit of work: the one caller (`store.read_active`) checks that the unit of
work has written nothing the read would miss."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from keystile.db.coalesced_reads import CoalescedReads
from keystile.db.direct_reads import DirectRead, engine_fetch_all
from keystile.sessions.active_query import MAX_KEYS, ActiveSessionQuery, Rows, SessionQueries
from keystile.sessions.recent_jwts import RecentJwts
from keystile.sessions.types import SessionName
from keystile.sessions.verified_jwts import VerifiedJwts

T = TypeVar("T")
ReadMany = Callable[[Sequence["_Lookup"]], Awaitable[list[Rows]]]
Fetch = Callable[[AsyncEngine, DirectRead, dict[str, Any]], Awaitable[Rows]]


@dataclass(frozen=True)
class _Lookup:
    project_id: str
    match: str
    now: datetime


class DirectSessionStore:
    """Active sessions read on `engine` within `deadline` seconds, through `fetch` (a test may count
    what it sends). A coalesced read takes the latest `now` of its turn: a session that expired
    meanwhile is expired for all of them."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        deadline: float | None = None,
        jwt_reuse_seconds: float = 5.0,
        fetch: Fetch = engine_fetch_all,
    ) -> None:
        self.engine = engine
        self.deadline = deadline
        self.recent_jwts = RecentJwts(reuse_seconds=jwt_reuse_seconds)
        self.verified_jwts = VerifiedJwts()
        self._fetch = fetch
        self._coalesced: dict[ActiveSessionQuery[Any], CoalescedReads[_Lookup, Rows]] = {}

    async def active(
        self, queries: SessionQueries[T], *, project_id: str, name: SessionName, now: datetime
    ) -> T | None:
        query, match = queries.naming(name)
        reads = self._coalesced.get(query)
        if reads is None:
            reads = self._coalesced[query] = CoalescedReads(self._read_many(query), max_keys=MAX_KEYS)
        rows = await reads.read(_Lookup(project_id, match, now))
        return query.layout.decode(rows) if rows else None

    def _read_many(
        self, query: ActiveSessionQuery[Any]
    ) -> Callable[[Sequence[_Lookup]], Awaitable[list[Rows]]]:
        async def read_many(lookups: Sequence[_Lookup]) -> list[Rows]:
            read, size = query.read(len(lookups))
            matches = [lookup.match for lookup in lookups]
            matches += [matches[-1]] * (size - len(matches))
            parameters: dict[str, Any] = {f"match_{i}": match for i, match in enumerate(matches)}
            parameters["now"] = max(lookup.now for lookup in lookups)
            async with asyncio.timeout(self.deadline):
                rows = await self._fetch(self.engine, read, parameters)
            return query.rows_of(rows, [(lookup.project_id, lookup.match) for lookup in lookups])

        return read_many
