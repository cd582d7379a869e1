"""The rows of a user's session: the session joined to its user and to the user's password and active
lock (at most one of each), then one row per email, phone number and TOTP registration, each an index
lookup on every engine (`active_query` has the layout), and the session and `UserView` they make.

The listed rows are (kind, id, address or number, verified, created_at), with NULL where a branch has
nothing. The email branch comes second because it has a value in every listed column: PostgreSQL types
a UNION pairwise from the left, and two NULLs in a row would make a column `text`.

Whatever `UserRepository.views` shows of a user must be read here too (a test compares the two).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    Table,
    and_,
    bindparam,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from keystile.db.base import UTCDateTime, detached
from keystile.factors.passwords.models import UserPassword
from keystile.factors.passwords.repository import requires_reset
from keystile.factors.totp.models import Totp
from keystile.identity.models import User, UserEmail, UserLock, UserPhone
from keystile.identity.views import ActiveLock, PasswordSummary, TotpSummary, UserView
from keystile.sessions.active_query import SessionQueries, SessionRowsLayout, table_of
from keystile.sessions.models import Session

SESSIONS, USERS = table_of(Session), table_of(User)
PASSWORDS, LOCKS = table_of(UserPassword), table_of(UserLock)
SESSION_COLUMNS = tuple(SESSIONS.c)
USER_COLUMNS = tuple(USERS.c)
SESSION_KEYS = tuple(str(column.key) for column in SESSION_COLUMNS)
USER_KEYS = tuple(str(column.key) for column in USER_COLUMNS)
CREDENTIAL_COLUMNS = (
    PASSWORDS.c.password_id,
    PASSWORDS.c.requires_reset,
    PASSWORDS.c.email_verified_when_set,
    LOCKS.c.lock_created_at,
    LOCKS.c.lock_expires_at,
)
LISTED_TYPES = (String(), String(), String(), Boolean(), UTCDateTime())
USER_START = len(SESSION_COLUMNS)
CREDENTIAL_START = USER_START + len(USER_COLUMNS)
LISTED_START = CREDENTIAL_START + len(CREDENTIAL_COLUMNS)
SESSION_ID = SESSION_KEYS.index("session_id")


def _of_the_sessions_user(table: Table) -> ColumnElement[bool]:
    return and_(table.c.project_id == SESSIONS.c.project_id, table.c.user_id == SESSIONS.c.user_id)


def _statement(match: Column[str], keys: int) -> CompoundSelect[Any]:
    """The query for the sessions whose `match` column holds any of `keys` values, with parameters
    `match_0`… and `now`."""
    now = bindparam("now", type_=UTCDateTime())
    active = and_(match.in_([bindparam(f"match_{i}") for i in range(keys)]), SESSIONS.c.expires_at > now)
    head = (
        select(
            *SESSION_COLUMNS,
            *USER_COLUMNS,
            *CREDENTIAL_COLUMNS,
            *(type_coerce(null(), column_type) for column_type in LISTED_TYPES),
        )
        .select_from(
            SESSIONS.join(USERS, _of_the_sessions_user(USERS))
            .outerjoin(PASSWORDS, _of_the_sessions_user(PASSWORDS))
            .outerjoin(LOCKS, and_(_of_the_sessions_user(LOCKS), LOCKS.c.lock_expires_at > now))
        )
        .where(active)
    )
    session_columns: list[ColumnElement[Any]] = [null()] * LISTED_START
    session_columns[SESSION_ID] = SESSIONS.c.session_id

    def listed(kind: str, table: Table, *columns: ColumnElement[Any]) -> Select[*tuple[Any, ...]]:
        return (
            select(*session_columns, literal_column(f"'{kind}'", String), *columns)
            .select_from(SESSIONS.join(table, _of_the_sessions_user(table)))
            .where(active)
        )

    emails, phones, totps = table_of(UserEmail), table_of(UserPhone), table_of(Totp)
    return union_all(
        head,
        listed("email", emails, emails.c.email_id, emails.c.email, emails.c.verified, emails.c.created_at),
        listed(
            "phone", phones, phones.c.phone_id, phones.c.phone_number, phones.c.verified, phones.c.created_at
        ),
        # A TOTP registration is listed once verified, or while it can still be verified.
        listed("totp", totps, totps.c.totp_id, null(), totps.c.verified, totps.c.created_at).where(
            or_(totps.c.verified.is_(True), totps.c.expires_at > now)
        ),
    )


def session_and_view(rows: list[list[Any]]) -> tuple[Session, UserView]:
    """The session and user view in the rows of one session (`rows_of`), as detached ORM objects."""
    head = next(row for row in rows if row[LISTED_START] is None)
    session = detached(Session, dict(zip(SESSION_KEYS, head[:USER_START], strict=True)))
    user = detached(User, dict(zip(USER_KEYS, head[USER_START:CREDENTIAL_START], strict=True)))
    view = UserView(user)
    owner = {"project_id": user.project_id, "user_id": user.user_id}
    listed = sorted((row[LISTED_START:] for row in rows if row is not head), key=lambda r: (r[4], r[1]))
    for kind, item_id, address, verified, created_at in listed:
        item = {"verified": verified, "created_at": created_at} | owner
        if kind == "email":
            view.emails.append(detached(UserEmail, {"email_id": item_id, "email": address} | item))
        elif kind == "phone":
            view.phones.append(detached(UserPhone, {"phone_id": item_id, "phone_number": address} | item))
        else:
            view.totps.append(TotpSummary(totp_id=item_id, verified=bool(verified)))
    password_id, flagged, verified_when_set, lock_created_at, lock_expires_at = head[
        CREDENTIAL_START:LISTED_START
    ]
    if password_id is not None:
        email_verified = bool(view.emails) and view.emails[0].verified
        view.password = PasswordSummary(
            password_id=password_id,
            requires_reset=requires_reset(bool(flagged), bool(verified_when_set), email_verified),
        )
    if lock_created_at is not None and lock_expires_at is not None:
        view.lock = ActiveLock(created_at=lock_created_at, expires_at=lock_expires_at)
    return session, view


USER_SESSIONS = SessionQueries(
    SessionRowsLayout(_statement, SESSION_KEYS, LISTED_START, session_and_view), SESSIONS
)
