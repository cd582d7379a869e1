"""Queries that read active sessions with all their subject's response needs in one UNION ALL, for up
to `MAX_KEYS` sessions at once (so that concurrent checks share one), and split the rows per session.

Each query's rows share one layout: a head row per session (the session's columns first, its
subject's after), then listed rows (one per email, domain…) that carry only their session's id and,
from `listed_start` on, the listed values; a head row has NULL at `listed_start`."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, CompoundSelect, Table

from keystile.db.direct_reads import DirectRead
from keystile.sessions.types import SessionName

MAX_KEYS = 32
T = TypeVar("T")
Rows = list[list[Any]]


def table_of(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True)
class SessionRowsLayout(Generic[T]):
    """How to build one kind of session's query and read its rows."""

    # The statement naming sessions by `match` (any of `keys` parameters `match_0`…), with `now`.
    statement: Callable[[Column[str], int], CompoundSelect[Any]]
    session_columns: tuple[str, ...]  # the head row's first columns, by key
    listed_start: int
    decode: Callable[[Rows], T]  # the rows of one session (never none) to what the store returns


class ActiveSessionQuery(Generic[T]):
    """The active sessions named by up to `MAX_KEYS` values of one column (the token digest or the
    session id): one `DirectRead` per number of values, rounded up to a power of two so that the
    database and the driver prepare at most a few statements."""

    def __init__(self, layout: SessionRowsLayout[T], match: Column[str]) -> None:
        self.layout = layout
        self.match = match
        self._match_at = layout.session_columns.index(match.key)
        self._session_id_at = layout.session_columns.index("session_id")
        self._project_id_at = layout.session_columns.index("project_id")
        self._reads: dict[int, DirectRead] = {}

    def read(self, keys: int) -> tuple[DirectRead, int]:
        """The read for `keys` values (at most `MAX_KEYS`), and its size: the number of parameters
        `match_0`… it takes, the next power of two (repeat a value to fill them)."""
        size = 1 << max(keys - 1, 0).bit_length()
        found = self._reads.get(size)
        if found is None:
            found = self._reads[size] = DirectRead(self.layout.statement(self.match, size))
        return found, size

    def rows_of(self, rows: Rows, named: Sequence[tuple[str, str]]) -> list[Rows]:
        """For each (project id, match) in `named`, the rows of that project's session that `match`
        names, or none. A session named twice gets a copy of its rows the second time: each caller may
        change what it is given."""
        start = self.layout.listed_start
        heads = {row[self._match_at]: row for row in rows if row[start] is None}
        listed: dict[str, Rows] = {}
        for row in rows:
            if row[start] is not None:
                listed.setdefault(row[self._session_id_at], []).append(row)
        found: list[Rows] = []
        given: set[str] = set()
        for project_id, match in named:
            head = heads.get(match)
            if head is None or head[self._project_id_at] != project_id:
                found.append([])
                continue
            session_rows = [head, *listed.get(head[self._session_id_at], [])]
            found.append(copy.deepcopy(session_rows) if match in given else session_rows)
            given.add(match)
        return found


class SessionQueries(Generic[T]):
    """The two ways to name a session of one kind: by token digest, by id."""

    def __init__(self, layout: SessionRowsLayout[T], sessions: Table) -> None:
        self.by_token_digest = ActiveSessionQuery(layout, sessions.c.token_digest)
        self.by_session_id = ActiveSessionQuery(layout, sessions.c.session_id)

    def naming(self, name: SessionName) -> tuple[ActiveSessionQuery[T], str]:
        """The query for `name`, and the value it matches."""
        if name.token_digest is not None:
            return self.by_token_digest, name.token_digest
        return self.by_session_id, name.session_id or ""
