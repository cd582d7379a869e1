"""The statements of a password login, consumer and B2B, pinned (issues #20, #25): the credential, its
failure counter and the project's policy come in one read; the attempt is counted by one statement
that also reads the count back; the success clears it with one more; the consumer's User response
is built from the same read, and so are a member's and its organization's (domains, SSO connections,
custom roles), so that a B2B login sends as many statements as a consumer login with a session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from keystile.b2b.admission import Entry
from keystile.b2b.members import NewMember
from keystile.b2b.organizations import OrganizationFields, create_organization, organization_view
from keystile.b2b.passwords import service as member_passwords
from keystile.credentials.hashes import Argon2Parameters, hash_password
from keystile.factors.passwords import service
from keystile.identity.service import NewUser
from keystile.rbac.service import set_organization_roles
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, within

ADDRESS = "grace@example.com"
PASSWORD = "violet tangerine oboe 71"
CHEAP = Argon2Parameters(memory_kib=8, time_cost=1, parallelism=1)


@contextmanager
def statements_sent(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile, in order, lower-cased on one line."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(" ".join(statement.lower().split()))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def naming(sent: list[str], table: str) -> list[str]:
    return [statement for statement in sent if f" {table} " in f"{statement} " or f" {table}." in statement]


def is_one_read_of_the_credential(statement: str, password_table: str) -> bool:
    return statement.startswith("select") and all(
        f" {table}" in statement for table in (password_table, "user_locks", "password_policies")
    )


async def test_a_consumer_login_reads_once_counts_once_and_clears_once(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await within(
        db_sessions,
        lambda db: service.create(
            call_for(db, project_id, keys),
            email=ADDRESS,
            password=PASSWORD,
            profile=NewUser(),
            session_request=SessionRequest(),
            parameters=CHEAP,
        ),
    )
    with statements_sent(engine) as sent:
        signed_in = await within(
            db_sessions,
            lambda db: service.authenticate(
                call_for(db, project_id, keys),
                email=ADDRESS,
                password=PASSWORD,
                session_request=SessionRequest(),
                parameters=CHEAP,
            ),
        )
    assert [email.email for email in signed_in.user.emails] == [ADDRESS]
    assert len(sent) == 3, sent
    read, claim, clear = sent
    # One read: the credential, the lock, the policy and the User response's parts (emails…).
    assert is_one_read_of_the_credential(read, "user_passwords"), read
    assert " user_phones" in read and "union all" in read, read
    assert naming(sent, "user_passwords") == [read]
    # The attempt is counted by the statement that records it (and reads the count back).
    assert claim.startswith("insert into user_locks") and "returning" in claim, claim
    assert clear.startswith("update user_locks"), clear


async def test_a_consumer_login_with_a_session_sends_five_statements(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    """The figure a B2B login (which always starts a session) is held to."""
    await within(
        db_sessions,
        lambda db: service.create(
            call_for(db, project_id, keys),
            email=ADDRESS,
            password=PASSWORD,
            profile=NewUser(),
            session_request=SessionRequest(duration_minutes=60),  # the project's signing key is made
            parameters=CHEAP,
        ),
    )
    with statements_sent(engine) as sent:
        await within(
            db_sessions,
            lambda db: service.authenticate(
                call_for(db, project_id, keys),
                email=ADDRESS,
                password=PASSWORD,
                session_request=SessionRequest(duration_minutes=60),
                parameters=CHEAP,
            ),
        )
    assert len(sent) == 5, sent
    read, claim, clear, opened, signing_keys = sent
    assert is_one_read_of_the_credential(read, "user_passwords"), read
    assert claim.startswith("insert into user_locks") and clear.startswith("update user_locks"), sent
    assert opened.startswith("insert into sessions"), opened
    assert signing_keys.startswith("select") and " signing_keys" in signing_keys, signing_keys


ROLE = {"role_id": "auditor", "description": "Reads the books", "permissions": []}
# Every table of the organization's response, read with the member's password in one statement.
ORGANIZATION_TABLES = (
    "organizations",
    "organization_domains",
    "saml_connections",
    "oidc_connections",
    "rbac_policies",
)


async def member_with_password(db_sessions: Sessions, keys: KeyRing, project_id: str, **fields: Any) -> str:
    """An organization (slug "shapes", two allowed email domains, a custom role) with a member whose
    password is PASSWORD; the organization's id."""
    settings = OrganizationFields(
        organization_name="Shapes",
        organization_slug="shapes",
        email_allowed_domains=["example.org", "example.com"],
        **fields,
    )
    organization = await within(
        db_sessions, lambda db: create_organization(call_for(db, project_id, keys), settings)
    )
    organization_id = organization.organization_id
    await within(
        db_sessions,
        lambda db: set_organization_roles(db, project_id, "b2b", organization_id, {"roles": [ROLE]}, now=NOW),
    )
    await within(
        db_sessions,
        lambda db: member_passwords.migrate(
            call_for(db, project_id, keys),
            organization_ref=organization_id,
            email=ADDRESS,
            hash_type="argon_2id",
            hash_text=hash_password(PASSWORD, CHEAP).hash,
            hash_config=None,
            new=NewMember(),
        ),
    )
    return organization_id


async def member_login(
    db_sessions: Sessions, keys: KeyRing, project_id: str, ref: str, request: SessionRequest
) -> Entry:
    return await within(
        db_sessions,
        lambda db: member_passwords.authenticate(
            call_for(db, project_id, keys),
            organization_ref=ref,
            email=ADDRESS,
            password=PASSWORD,
            request=request,
            intermediate_session_token=None,
            parameters=CHEAP,
        ),
    )


def is_the_member_login_read(read: str) -> bool:
    """The one read of a member's login: the password, its lock, the policy, the member and every part
    of the organization's response."""
    tables = (" members", *(f" {table}" for table in ORGANIZATION_TABLES))
    return is_one_read_of_the_credential(read, "member_passwords") and all(t in read for t in tables)


async def test_a_member_login_reads_once_counts_once_clears_once_and_starts_its_session(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    organization_id = await member_with_password(db_sessions, keys, b2b_project_id)
    await member_login(db_sessions, keys, b2b_project_id, organization_id, SessionRequest())  # a signing key
    with statements_sent(engine) as sent:
        entry = await member_login(db_sessions, keys, b2b_project_id, "shapes", SessionRequest())
    assert entry.member.member.email_address == ADDRESS and entry.member_authenticated
    # As many as a consumer login with a session.
    assert len(sent) == 5, sent
    read, claim, clear, opened, signing_keys = sent
    assert is_the_member_login_read(read) and "union all" in read, read
    for table in ("members", "member_passwords", "password_policies", *ORGANIZATION_TABLES):
        assert naming(sent, table) == [read], table
    assert claim.startswith("insert into user_locks") and "returning" in claim, claim
    assert clear.startswith("update user_locks"), clear
    assert naming(sent, "user_locks") == [read, claim, clear]
    assert opened.startswith("insert into member_sessions"), opened
    assert signing_keys.startswith("select") and " signing_keys" in signing_keys, signing_keys
    # The response's organization, from that one read, is the one organizations.get shows.
    shown = await within(
        db_sessions, lambda db: organization_view(call_for(db, b2b_project_id, keys), organization_id)
    )
    view = entry.member.organization
    assert view.organization.organization_id == organization_id
    assert view.allowed_domains == shown.allowed_domains == ["example.com", "example.org"]
    assert view.custom_roles == shown.custom_roles == [ROLE]
    assert (view.claimed_domains, view.sso_active_connections) == (shown.claimed_domains, [])


async def test_a_member_login_extending_its_session_reads_the_session_once(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    organization_id = await member_with_password(db_sessions, keys, b2b_project_id)
    first = await member_login(db_sessions, keys, b2b_project_id, organization_id, SessionRequest())
    assert first.issued is not None
    extend = SessionRequest(session_token=first.issued.session_token)
    with statements_sent(engine) as sent:
        entry = await member_login(db_sessions, keys, b2b_project_id, organization_id, extend)
    assert entry.issued is not None and entry.issued.session.session_id == first.issued.session.session_id
    assert len(sent) == 6, sent
    read, claim, clear, session, renamed, signing_keys = sent
    assert is_the_member_login_read(read), read
    assert claim.startswith("insert into user_locks") and clear.startswith("update user_locks"), sent
    # The session's own read: whose it is, not its organization's view again.
    assert session.startswith("select") and " member_sessions" in session, session
    assert not any(f" {table}" in session for table in ORGANIZATION_TABLES[1:]), session
    assert renamed.startswith("update member_sessions"), renamed
    assert " signing_keys" in signing_keys, signing_keys


async def test_a_member_login_that_needs_mfa_writes_only_its_intermediate_session(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    organization_id = await member_with_password(
        db_sessions, keys, b2b_project_id, mfa_policy="REQUIRED_FOR_ALL"
    )
    with statements_sent(engine) as sent:
        entry = await member_login(db_sessions, keys, b2b_project_id, organization_id, SessionRequest())
    assert entry.mfa_required and not entry.member_authenticated
    assert len(sent) == 4, sent
    read, claim, clear, intermediate = sent
    assert is_the_member_login_read(read), read
    assert claim.startswith("insert into user_locks") and clear.startswith("update user_locks"), sent
    assert intermediate.startswith("insert into intermediate_sessions"), intermediate
