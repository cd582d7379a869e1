"""An index behind every hot query (issue #25), on every engine: each query is sent as the code sends
it (captured from the repositories and services, or compiled as the session store compiles it), then
EXPLAINed on the same database. On PostgreSQL every table of the fixture's projects first gets a few
thousand rows and fresh statistics, so the planner costs sequential scans normally and picks an index
only where one serves; on MariaDB every table the plan reads is read through a key, and on SQLite every
table is searched, none scanned."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, UniqueConstraint, event, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from keystile.b2b.members import NewMember
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.organizations import OrganizationFields, create_organization
from keystile.b2b.passwords import service as member_passwords
from keystile.b2b.passwords.repository import MemberPasswordRepository
from keystile.credentials.hashes import Argon2Parameters, hash_password
from keystile.db.base import Base
from keystile.db.direct_reads import DirectRead
from keystile.factors.links import LinkOptions
from keystile.factors.magic_links import service as magic_links
from keystile.factors.magic_links.repository import MagicLinkRepository
from keystile.factors.passwords import service as passwords
from keystile.factors.passwords.repository import PasswordRepository
from keystile.identity.repository import UserRepository
from keystile.identity.service import NewUser, search_users
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from keystile.sessions.user_rows import user_sessions
from keystile.tokens import digest
from tests.support.services import NOW, Sessions, call_for, within

ADDRESS = "ada@example.com"
PASSWORD = "violet tangerine oboe 71"
CHEAP = Argon2Parameters(memory_kib=8, time_cost=1, parallelism=1)


@dataclass(frozen=True)
class Sent:
    sql: str
    parameters: Any


@dataclass
class Fixture:
    project_id: str
    user_id: str
    external_id: str
    session_id: str
    session_token: str
    magic_link_token: str
    b2b_project_id: str
    organization_id: str


async def fixture(db_sessions: Sessions, keys: KeyRing, project_id: str, b2b_project_id: str) -> Fixture:
    """A user with an email, an external id, a password, a session and a magic link; a member with a
    password in an organization of a B2B project."""
    created = await within(
        db_sessions,
        lambda db: passwords.create(
            call_for(db, project_id, keys),
            email=ADDRESS,
            password=PASSWORD,
            profile=NewUser(external_id="ext-ada"),
            session_request=SessionRequest(duration_minutes=60),
            parameters=CHEAP,
        ),
    )
    user_id, issued = created.user.user.user_id, created.issued
    assert issued.session is not None
    token = await within(
        db_sessions,
        lambda db: magic_links.create_embeddable(
            call_for(db, project_id, keys), user_id=user_id, expiration_minutes=None
        ),
    )
    organization = await within(
        db_sessions,
        lambda db: create_organization(
            call_for(db, b2b_project_id, keys),
            OrganizationFields(organization_name="Indexed", organization_slug="indexed"),
        ),
    )
    await within(
        db_sessions,
        lambda db: member_passwords.migrate(
            call_for(db, b2b_project_id, keys),
            organization_ref=organization.organization_id,
            email=ADDRESS,
            hash_type="argon_2id",
            hash_text=hash_password(PASSWORD, CHEAP).hash,
            hash_config=None,
            new=NewMember(),
        ),
    )
    return Fixture(
        project_id,
        user_id,
        "ext-ada",
        issued.session.session_id,
        issued.session_token,
        token,
        b2b_project_id,
        organization.organization_id,
    )


async def sent_by(
    engine: AsyncEngine, db_sessions: Sessions, work: Callable[[AsyncSession], Awaitable[object]]
) -> list[Sent]:
    """The statements `work` sends in a unit of work of its own."""
    sent: list[Sent] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: Any, *_args: object) -> None:
        sent.append(Sent(statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await within(db_sessions, work)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return sent


async def search(db: AsyncSession, project_id: str, filter_name: str, values: list[str]) -> object:
    """users.search with one filter, as the API calls it."""
    query = {"operator": "AND", "operands": [{"filter_name": filter_name, "filter_value": values}]}
    return await search_users(db, project_id, query=query, cursor=None, limit=10, now=NOW)


def direct(engine: AsyncEngine, read: DirectRead, values: dict[str, Any]) -> Sent:
    """A session store read as the store sends it: compiled for the dialect, parameters converted."""
    compiled = read.compiled(engine.dialect)
    arguments = [process(values[name]) if process else values[name] for name, process in compiled.parameters]
    return Sent(compiled.sql, tuple(arguments))


COPIES = 3000


def _varied(column: Column[Any], value: Any, copy: int) -> Any:
    """`value` made unique to copy number `copy` (within the column's length)."""
    if not isinstance(value, str):
        return value
    suffix = f"~{copy}"
    length = getattr(column.type, "length", None) or len(value) + len(suffix)
    return value[: length - len(suffix)] + suffix


def _text(column: Column[Any]) -> bool:
    try:
        return column.type.python_type is str
    except NotImplementedError:
        return False


def _varied_columns(table: Table) -> set[str]:
    """The columns a copy of a row must change: ids and the text columns of every unique key, but the
    project, where it is only a scope: a key with nothing else to vary (a per-project row) gets copies
    of other projects."""
    keys = [list(table.primary_key.columns)]
    keys += [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    keys += [list(i.columns) for i in table.indexes if i.unique]
    varied = {c.key for key in keys for c in key if _text(c)} | {
        name for name in table.columns.keys() if name.endswith("_id")
    }
    if all(any(c.key != "project_id" and _text(c) for c in key) for key in keys):
        varied.discard("project_id")
    return varied


def read_by(statements: list[Sent]) -> list[Table]:
    """The tables that these statements name."""
    text = " ".join(sent.sql for sent in statements)
    return [table for table in Base.metadata.sorted_tables if re.search(rf"\b{table.name}\b", text)]


async def fill(engine: AsyncEngine, tables: list[Table], project_ids: list[str]) -> None:
    """COPIES copies of each row of these projects in these tables, then fresh planner statistics."""
    async with engine.begin() as conn:
        for table in tables:
            rows = (await conn.execute(select(table).where(table.c.project_id.in_(project_ids)))).mappings()
            originals = [dict(row) for row in rows]
            varied, generated = _varied_columns(table), table.autoincrement_column
            copies = [
                {
                    name: _varied(table.columns[name], value, copy) if name in varied else value
                    for name, value in row.items()
                    if generated is None or name != generated.key
                }
                for copy in range(COPIES)
                for row in originals
            ]
            if copies:
                await conn.execute(insert(table), copies)
        await conn.exec_driver_sql("ANALYZE")


async def _postgres_plan_scans(conn: AsyncConnection, sent: Sent) -> list[str]:
    plan = (await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sent.sql, sent.parameters)).scalar_one()

    def scans(node: dict[str, Any]) -> list[str]:
        found = [node["Relation Name"]] if node["Node Type"] == "Seq Scan" else []
        for child in node.get("Plans", []):
            found += scans(child)
        return found

    return scans((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"])


async def postgres_scans(conn: AsyncConnection, sent: Sent) -> list[str]:
    """The tables the plan reads by a sequential scan: costed as usual, any table the statistics know
    to hold thousands of rows (the planner picks an index there by itself); with sequential scans
    disabled, any table at all (every table has an index the query can use)."""
    large = set(
        (
            await conn.exec_driver_sql(
                f"SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= {COPIES}"
            )
        ).scalars()
    )
    costed = [table for table in await _postgres_plan_scans(conn, sent) if table in large]
    await conn.exec_driver_sql("SET enable_seqscan = off")
    try:
        forced = await _postgres_plan_scans(conn, sent)
    finally:
        await conn.exec_driver_sql("RESET enable_seqscan")
    return list(dict.fromkeys(costed + forced))


async def mariadb_scans(conn: AsyncConnection, sent: Sent) -> list[str]:
    """The tables the plan reads without a key (a union's own result table aside)."""
    rows = (await conn.exec_driver_sql("EXPLAIN " + sent.sql, sent.parameters)).mappings().all()
    return [
        str(row["table"])
        for row in rows
        if row["table"] is not None and not str(row["table"]).startswith("<") and row["key"] is None
    ]


async def sqlite_scans(conn: AsyncConnection, sent: Sent) -> list[str]:
    """The tables the plan scans rather than searches (a constant row or a union's result aside)."""
    plan = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sent.sql, sent.parameters)
    return [found.group(1) for row in plan if (found := re.match(r"SCAN (\w+)", str(row[-1])))]


EXPLAINED = {"postgresql": postgres_scans, "mysql": mariadb_scans, "sqlite": sqlite_scans}


async def test_every_hot_query_reads_through_an_index(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, project_id: str, b2b_project_id: str
) -> None:
    made = await fixture(db_sessions, keys, project_id, b2b_project_id)

    def users(db: AsyncSession) -> UserRepository:
        return UserRepository(db, made.project_id)

    queries: dict[str, list[Sent]] = {
        "user by id": await sent_by(engine, db_sessions, lambda db: users(db).get(made.user_id)),
        "user by external id, as users.get takes it": await sent_by(
            engine, db_sessions, lambda db: users(db).get(made.external_id)
        ),
        "user by email": await sent_by(engine, db_sessions, lambda db: users(db).email_owner(ADDRESS)),
        "user by external id": await sent_by(
            engine, db_sessions, lambda db: users(db).external_id_owner(made.external_id)
        ),
        "password credential": await sent_by(
            engine, db_sessions, lambda db: PasswordRepository(db, made.project_id).credentials(ADDRESS, NOW)
        ),
        "password login": await sent_by(
            engine,
            db_sessions,
            lambda db: passwords.authenticate(
                call_for(db, made.project_id, keys),
                email=ADDRESS,
                password=PASSWORD,
                session_request=SessionRequest(duration_minutes=60),
                parameters=CHEAP,
            ),
        ),
        "magic link login_or_create": await sent_by(
            engine,
            db_sessions,
            lambda db: magic_links.login_or_create(
                call_for(db, made.project_id, keys),
                email=ADDRESS,
                create_user_as_pending=False,
                options=LinkOptions(),
            ),
        ),
        "users.search by email": await sent_by(
            engine, db_sessions, lambda db: search(db, made.project_id, "email_address", [ADDRESS])
        ),
        "users.search by user id": await sent_by(
            engine, db_sessions, lambda db: search(db, made.project_id, "user_id", [made.user_id])
        ),
        "magic link by token digest": await sent_by(
            engine,
            db_sessions,
            lambda db: MagicLinkRepository(db, made.project_id).by_token(made.magic_link_token),
        ),
        "member by email in organization": await sent_by(
            engine,
            db_sessions,
            lambda db: MemberRepository(db, made.b2b_project_id).by_email(made.organization_id, ADDRESS),
        ),
        "member password credential": await sent_by(
            engine,
            db_sessions,
            lambda db: MemberPasswordRepository(db, made.b2b_project_id).credentials(
                made.organization_id, ADDRESS
            ),
        ),
        "session by token digest": [
            direct(
                engine,
                user_sessions().by_token_digest.read(1)[0],
                {"match_0": digest(made.session_token), "now": NOW},
            )
        ],
        "session by id": [
            direct(engine, user_sessions().by_session_id.read(1)[0], {"match_0": made.session_id, "now": NOW})
        ],
    }
    if engine.dialect.name == "postgresql":
        read = read_by([sent for statements in queries.values() for sent in statements])
        await fill(engine, read, [made.project_id, made.b2b_project_id])
    explain = EXPLAINED[engine.dialect.name]
    unindexed: dict[str, list[str]] = {}
    async with engine.connect() as conn:
        # The check sees a scan: a query on a column no index covers is one.
        assert await explain(conn, Sent("SELECT user_id FROM users WHERE first_name = 'Ada'", ())) == [
            "users"
        ]
        for name, statements in queries.items():
            selects = [sent for sent in statements if sent.sql.lstrip().upper().startswith("SELECT")]
            assert selects, f"{name}: no SELECT was sent"
            for sent in selects:
                if scanned := await explain(conn, sent):
                    unindexed[name] = scanned
    assert unindexed == {}, unindexed
