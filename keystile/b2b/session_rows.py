"""The rows of a member's session for the session store: the session joined to its member (not
deleted) and organization, then one row per email domain of the organization (kind, domain); and the
session and `MemberView` they make (`keystile.sessions.active_query` has the layout)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    CompoundSelect,
    String,
    and_,
    bindparam,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from keystile.b2b.models import Member, MemberSession, Organization, OrganizationDomain
from keystile.b2b.organization_rows import ALLOWED, CLAIMED
from keystile.b2b.views import MemberView, OrganizationView
from keystile.db.base import UTCDateTime, detached
from keystile.sessions.active_query import Rows, SessionQueries, SessionRowsLayout, table_of

SESSIONS, MEMBERS = table_of(MemberSession), table_of(Member)
ORGANIZATIONS, DOMAINS = table_of(Organization), table_of(OrganizationDomain)
SESSION_KEYS = tuple(str(column.key) for column in SESSIONS.c)
MEMBER_KEYS = tuple(str(column.key) for column in MEMBERS.c)
ORGANIZATION_KEYS = tuple(str(column.key) for column in ORGANIZATIONS.c)
MEMBER_START = len(SESSION_KEYS)
ORGANIZATION_START = MEMBER_START + len(MEMBER_KEYS)
LISTED_START = ORGANIZATION_START + len(ORGANIZATION_KEYS)


def _statement(match: Column[str], keys: int) -> CompoundSelect[Any]:
    now = bindparam("now", type_=UTCDateTime())
    active = and_(match.in_([bindparam(f"match_{i}") for i in range(keys)]), SESSIONS.c.expires_at > now)
    head = (
        select(
            *SESSIONS.c,
            *MEMBERS.c,
            *ORGANIZATIONS.c,
            type_coerce(null(), String),
            type_coerce(null(), String),
        )
        .select_from(
            SESSIONS.join(
                MEMBERS,
                and_(
                    MEMBERS.c.project_id == SESSIONS.c.project_id, MEMBERS.c.member_id == SESSIONS.c.member_id
                ),
            ).join(
                ORGANIZATIONS,
                and_(
                    ORGANIZATIONS.c.project_id == SESSIONS.c.project_id,
                    ORGANIZATIONS.c.organization_id == SESSIONS.c.organization_id,
                ),
            )
        )
        .where(active, MEMBERS.c.status != literal_column("'deleted'"))
    )
    session_columns: list[Any] = [null()] * LISTED_START
    session_columns[SESSION_KEYS.index("session_id")] = SESSIONS.c.session_id
    domains = (
        select(*session_columns, DOMAINS.c.kind, DOMAINS.c.domain)
        .select_from(
            SESSIONS.join(
                DOMAINS,
                and_(
                    DOMAINS.c.project_id == SESSIONS.c.project_id,
                    DOMAINS.c.organization_id == SESSIONS.c.organization_id,
                ),
            )
        )
        .where(active)
    )
    return union_all(head, domains)


def session_and_member(rows: Rows) -> tuple[MemberSession, MemberView]:
    """The session and member view in the rows of one session, as detached ORM objects."""
    head = next(row for row in rows if row[LISTED_START] is None)
    session = detached(MemberSession, dict(zip(SESSION_KEYS, head[:MEMBER_START], strict=True)))
    member = detached(Member, dict(zip(MEMBER_KEYS, head[MEMBER_START:ORGANIZATION_START], strict=True)))
    organization = detached(
        Organization, dict(zip(ORGANIZATION_KEYS, head[ORGANIZATION_START:LISTED_START], strict=True))
    )
    domains = sorted((row[LISTED_START], row[LISTED_START + 1]) for row in rows if row is not head)
    view = OrganizationView(
        organization,
        [domain for kind, domain in domains if kind == ALLOWED],
        [domain for kind, domain in domains if kind == CLAIMED],
    )
    return session, MemberView(member, view)


MEMBER_SESSIONS = SessionQueries(
    SessionRowsLayout(_statement, SESSION_KEYS, LISTED_START, session_and_member), SESSIONS
)
