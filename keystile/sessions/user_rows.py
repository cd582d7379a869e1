"""The rows of a user's session: the session joined to its user, then the rows of each part of the
User response (`identity.profile_rows`: one per email, phone number, password, lock, TOTP…), each
branch an index lookup on every engine, and the session and `UserView` they make
(`identity.profile.build_user_view`, as `UserRepository.views` does)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    FromClause,
    and_,
    bindparam,
    null,
    select,
    union_all,
)

from keystile.db.base import UTCDateTime, detached
from keystile.identity.models import User
from keystile.identity.profile import ProfilePart, build_user_view, profile_parts
from keystile.identity.profile_rows import PartRows, part_rows
from keystile.identity.views import UserView
from keystile.sessions.active_query import Rows, SessionQueries, SessionRowsLayout, table_of
from keystile.sessions.models import Session

SESSIONS, USERS = table_of(Session), table_of(User)
SESSION_KEYS = tuple(str(column.key) for column in SESSIONS.c)
USER_KEYS = tuple(str(column.key) for column in USERS.c)
USER_START = len(SESSION_KEYS)
LISTED_START = USER_START + len(USER_KEYS)
SESSION_ID = SESSION_KEYS.index("session_id")


def _of_the_sessions_user(table: FromClause) -> ColumnElement[bool]:
    return and_(table.c.project_id == SESSIONS.c.project_id, table.c.user_id == SESSIONS.c.user_id)


class _UserSessionRows:
    """The query and the decoding of user sessions' rows, for the profile parts `layout` has."""

    def __init__(self, layout: PartRows[ProfilePart[Any]]) -> None:
        self.layout = layout

    def statement(self, match: Column[str], keys: int) -> CompoundSelect[Any]:
        """The query for the sessions whose `match` column holds any of `keys` values, with
        parameters `match_0`… and `now`."""
        now = bindparam("now", type_=UTCDateTime())
        active = and_(match.in_([bindparam(f"match_{i}") for i in range(keys)]), SESSIONS.c.expires_at > now)
        head = (
            select(*SESSIONS.c, *USERS.c, *self.layout.empty())
            .select_from(SESSIONS.join(USERS, _of_the_sessions_user(USERS)))
            .where(active)
        )
        session_columns: list[ColumnElement[Any]] = [null()] * LISTED_START
        session_columns[SESSION_ID] = SESSIONS.c.session_id

        def listed(kind: int, part: ProfilePart[Any]) -> Any:
            table = part.model.__table__
            branch = (
                select(*session_columns, *self.layout.selected(kind))
                .select_from(SESSIONS.join(table, _of_the_sessions_user(table)))
                .where(active)
            )
            return branch if part.where is None else branch.where(part.where(now))

        return union_all(head, *(listed(kind, part) for kind, part in enumerate(self.layout.parts)))

    def session_and_view(self, rows: Rows) -> tuple[Session, UserView]:
        """The session and user view in the rows of one session (`rows_of`), as detached ORM objects."""
        head = next(row for row in rows if row[LISTED_START] is None)
        session = detached(Session, dict(zip(SESSION_KEYS, head[:USER_START], strict=True)))
        user = detached(User, dict(zip(USER_KEYS, head[USER_START:LISTED_START], strict=True)))
        parts = self.layout.split((row for row in rows if row is not head), LISTED_START)
        return session, build_user_view(user, self.layout.parts, parts)


@cache
def _user_sessions(parts: tuple[ProfilePart[Any], ...]) -> SessionQueries[tuple[Session, UserView]]:
    rows = _UserSessionRows(part_rows(parts))
    return SessionQueries(
        SessionRowsLayout(rows.statement, SESSION_KEYS, LISTED_START, rows.session_and_view), SESSIONS
    )


def user_sessions() -> SessionQueries[tuple[Session, UserView]]:
    """Queries that read active sessions with their user's whole User response in one UNION ALL."""
    return _user_sessions(profile_parts())
