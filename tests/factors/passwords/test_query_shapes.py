"""The statements of a password login, consumer and B2B, pinned (issue #25): the credential, its
failure counter and the project's policy come in one read; the attempt is counted by one statement
that also reads the count back; the success clears it with one more; the consumer's User response
is built from the same read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from keystile.b2b.members import NewMember
from keystile.b2b.organizations import OrganizationFields, create_organization
from keystile.b2b.passwords import service as member_passwords
from keystile.credentials.hashes import Argon2Parameters, hash_password
from keystile.factors.passwords import service
from keystile.identity.service import NewUser
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import Sessions, call_for, within

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


async def test_a_member_login_reads_the_password_lock_and_policy_once(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    organization = await within(
        db_sessions,
        lambda db: create_organization(
            call_for(db, b2b_project_id, keys),
            OrganizationFields(organization_name="Shapes", organization_slug="shapes"),
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
    with statements_sent(engine) as sent:
        entry = await within(
            db_sessions,
            lambda db: member_passwords.authenticate(
                call_for(db, b2b_project_id, keys),
                organization_ref=organization.organization_id,
                email=ADDRESS,
                password=PASSWORD,
                request=SessionRequest(),
                intermediate_session_token=None,
                parameters=CHEAP,
            ),
        )
    assert entry.member.member.email_address == ADDRESS and entry.member_authenticated
    (read,) = naming(sent, "member_passwords")
    assert is_one_read_of_the_credential(read, "member_passwords") and " members" in read, read
    read_at = sent.index(read)
    claim, clear = sent[read_at + 1 : read_at + 3]
    assert claim.startswith("insert into user_locks") and "returning" in claim, claim
    assert clear.startswith("update user_locks"), clear
    assert naming(sent, "user_locks") == [read, claim, clear]
    assert naming(sent, "password_policies") == [read]
