"""The read behind every session check (`active_query`), coalesced: the session checks of one turn of
the event loop cost one query (`keystile.db.coalesced_reads`). On PostgreSQL and MySQL that saves the
round trips; on SQLite, where the read costs no round trip, one query for several sessions still costs
less than one for each."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from keystile.db.coalesced_reads import CoalescedReads
from keystile.db.direct_reads import engine_fetch_all
from keystile.db.engine import DEADLINE
from keystile.sessions.active_query import MAX_KEYS, ActiveSessionQuery, rows_of

Rows = list[list[Any]]


@dataclass(frozen=True)
class _Lookup:
    engine: AsyncEngine  # the same for every lookup of one `CoalescedReads`
    deadline: float | None
    project_id: str
    match: str
    now: datetime


_coalesced: WeakKeyDictionary[Engine, dict[str, CoalescedReads[_Lookup, Rows]]] = WeakKeyDictionary()


async def active_session_rows(
    db: AsyncSession, query: ActiveSessionQuery, *, project_id: str, match: str, now: datetime
) -> Rows:
    """The rows of the project's session whose `query.match` column holds `match`, if it is active at
    `now` (see `active_query.session_and_view`); none otherwise.

    Read on a connection of its own around `db`'s unit of work, as `keystile.db.direct_reads` does:
    call it before the unit of work writes anything. A coalesced read takes the latest `now` of its
    turn: a session that expired meanwhile is expired for all of them."""
    engine = db.bind
    assert isinstance(engine, AsyncEngine), "sessions are bound to one async engine"
    by_query = _coalesced.setdefault(engine.sync_engine, {})  # no reference back to the engine
    reads = by_query.get(query.match.key)
    if reads is None:
        reads = by_query[query.match.key] = _coalesced_reads(query)
    return await reads.read(_Lookup(engine, db.info.get(DEADLINE), project_id, match, now))


def _coalesced_reads(query: ActiveSessionQuery) -> CoalescedReads[_Lookup, Rows]:
    async def read_many(lookups: Sequence[_Lookup]) -> list[Rows]:
        first = lookups[0]
        read, size = query.read(len(lookups))
        matches = [lookup.match for lookup in lookups]
        matches += [matches[-1]] * (size - len(matches))
        parameters: dict[str, Any] = {f"match_{i}": match for i, match in enumerate(matches)}
        parameters["now"] = max(lookup.now for lookup in lookups)
        async with asyncio.timeout(first.deadline):
            rows = await engine_fetch_all(first.engine, read, parameters)
        return rows_of(query, rows, [(lookup.project_id, lookup.match) for lookup in lookups])

    return CoalescedReads(read_many, max_keys=MAX_KEYS)
