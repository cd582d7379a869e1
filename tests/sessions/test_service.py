"""The sessions service on every engine: start, extend, authenticate, list and revoke sessions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

import jwt
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from keystile.db.direct_reads import DirectRead, engine_fetch_all
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.rbac.cache import PolicyCache
from keystile.rbac.checks import AuthorizationCheck, Verdict
from keystile.rbac.service import set_project_policy
from keystile.sessions import service
from keystile.sessions.direct_store import DirectSessionStore
from keystile.sessions.jwts import SESSION_CLAIM
from keystile.sessions.keys import KeyRing
from keystile.sessions.models import Session
from keystile.sessions.store import attach_session_store
from keystile.sessions.verified_jwts import VerifiedJwts
from tests.sessions.conftest import NOW

T = TypeVar("T")
Sessions = async_sessionmaker[Any]


def email_factor(email_id: str = "email-test-1", at: datetime = NOW) -> dict[str, Any]:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "type": "magic_link",
        "delivery_method": "email",
        "last_authenticated_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        "email_factor": {"email_id": email_id, "email_address": "ada@example.com"},
    }


async def run(db_sessions: Sessions, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async with unit_of_work(db_sessions) as db:
        return await work(db)


async def start(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    user_id: str,
    *,
    duration: int | None = 60,
    token: str | None = None,
    session_jwt: str | None = None,
    factor: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
    now: datetime = NOW,
) -> service.IssuedSession:
    return await run(
        db_sessions,
        lambda db: service.start_or_extend_session(
            db,
            keys,
            project_id=project_id,
            user_id=user_id,
            factor=factor or email_factor(),
            duration_minutes=duration,
            existing_token=token,
            existing_jwt=session_jwt,
            custom_claims=claims,
            now=now,
            attributes={"ip_address": "203.0.113.9", "user_agent": "pytest"},
        ),
    )


async def authenticate(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    *,
    token: str | None = None,
    session_jwt: str | None = None,
    duration: int | None = None,
    claims: dict[str, Any] | None = None,
    now: datetime = NOW,
) -> service.AuthenticatedSession:
    return await run(
        db_sessions,
        lambda db: service.authenticate_session(
            db,
            keys,
            project_id=project_id,
            session_token=token,
            session_jwt=session_jwt,
            duration_minutes=duration,
            custom_claims=claims,
            now=now,
        ),
    )


async def error_of(call: Awaitable[object]) -> str:
    with pytest.raises(KeystileError) as caught:
        await call
    return caught.value.error_type


@contextmanager
def counted_statements(engine: AsyncEngine, db_sessions: Sessions) -> Iterator[list[str]]:
    """The SQL sent to the database meanwhile: through SQLAlchemy, and straight to the driver by the
    session store (given a `fetch` that counts, then runs as usual)."""
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    async def counted_fetch_all(on: AsyncEngine, read: DirectRead, parameters: dict[str, Any]) -> Any:
        statements.append(read.compiled(engine.dialect).sql)
        return await engine_fetch_all(on, read, parameters)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    attach_session_store(db_sessions, DirectSessionStore(engine, fetch=counted_fetch_all))
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_no_duration_and_no_session_means_no_session(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id, duration=None)
    assert (issued.session, issued.session_token, issued.session_jwt) == (None, "", "")


async def test_start_then_authenticate_by_token_and_by_jwt(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id, claims={"plan": "pro"})
    assert issued.session is not None and issued.session.session_id.startswith("session-test-")
    assert len(issued.session_token) >= 43
    assert issued.roles == ["stytch_user", "editor"]
    session_id = issued.session.session_id
    where = Session.session_id == session_id
    stored = await run(db_sessions, lambda db: db.scalar(select(Session.token_digest).where(where)))
    assert stored is not None and issued.session_token not in stored

    by_token = await authenticate(db_sessions, keys, project_id, token=issued.session_token)
    assert by_token.session.session_id == issued.session.session_id
    assert by_token.session_token == issued.session_token
    assert [e.email for e in by_token.user.emails] == ["ada@example.com"]
    assert by_token.session.attributes == {"ip_address": "203.0.113.9", "user_agent": "pytest"}

    by_jwt = await authenticate(db_sessions, keys, project_id, session_jwt=issued.session_jwt)
    assert by_jwt.session.session_id == issued.session.session_id
    assert by_jwt.session_token == ""
    async with unit_of_work(db_sessions) as db:
        public_key = await keys.public_key(
            db, project_id, jwt.get_unverified_header(by_jwt.session_jwt)["kid"], NOW
        )
    claims = (
        VerifiedJwts()
        .verify(by_jwt.session_jwt, public_key=public_key, project_id=project_id, now=NOW)
        .claims
    )
    assert claims["plan"] == "pro"
    assert claims[SESSION_CLAIM]["roles"] == ["stytch_user", "editor"]
    assert claims[SESSION_CLAIM]["authentication_factors"] == [email_factor()]


async def test_duration_bounds(db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str) -> None:
    for minutes in (4, 527_041, 0, -5):
        assert await error_of(start(db_sessions, keys, project_id, user_id, duration=minutes)) == (
            "invalid_session_duration_minutes"
        )
    for minutes in (5, 527_040):
        issued = await start(db_sessions, keys, project_id, user_id, duration=minutes)
        assert issued.session is not None
        assert issued.session.expires_at == NOW + timedelta(minutes=minutes)


async def test_a_new_factor_upgrades_the_session_with_a_new_token(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    first = await start(db_sessions, keys, project_id, user_id)
    later = NOW + timedelta(minutes=10)
    second = await start(
        db_sessions,
        keys,
        project_id,
        user_id,
        duration=None,
        token=first.session_token,
        factor=email_factor("email-test-2", later),
        now=later,
    )
    assert second.session is not None and first.session is not None
    assert second.session.session_id == first.session.session_id
    assert second.session_token != first.session_token
    assert second.session.expires_at == NOW + timedelta(minutes=60)  # no duration: not extended
    assert [f["email_factor"]["email_id"] for f in second.session.authentication_factors] == [
        "email-test-1",
        "email-test-2",
    ]
    # The old token stops working (no fixation); the new one works.
    assert await error_of(
        authenticate(db_sessions, keys, project_id, token=first.session_token, now=later)
    ) == ("session_not_found")
    await authenticate(db_sessions, keys, project_id, token=second.session_token, now=later)

    # The same factor again, by JWT and with a duration: refreshed in place, session extended.
    third = await start(
        db_sessions,
        keys,
        project_id,
        user_id,
        duration=30,
        session_jwt=second.session_jwt,
        factor=email_factor("email-test-2", later + timedelta(minutes=1)),
        now=later + timedelta(minutes=1),
    )
    assert third.session is not None
    factors = third.session.authentication_factors
    assert len(factors) == 2
    assert factors[1]["created_at"] == email_factor("email-test-2", later)["created_at"]
    assert (
        factors[1]["last_authenticated_at"]
        == email_factor("email-test-2", later + timedelta(minutes=1))["last_authenticated_at"]
    )
    assert third.session.expires_at == later + timedelta(minutes=31)


async def test_extending_requires_a_live_session_of_the_same_user(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id, duration=5)
    assert await error_of(start(db_sessions, keys, project_id, user_id, token="nope")) == "session_not_found"
    assert await error_of(start(db_sessions, keys, project_id, user_id, session_jwt="a.b.c")) == (
        "unable_to_parse_session_jwt"
    )
    assert await error_of(
        start(db_sessions, keys, project_id, "user-test-else", token=issued.session_token)
    ) == ("user_id_mismatch")
    expired = NOW + timedelta(minutes=5)
    assert await error_of(
        start(db_sessions, keys, project_id, user_id, token=issued.session_token, now=expired)
    ) == ("session_not_found")
    assert await error_of(
        start(
            db_sessions, keys, project_id, user_id, token=issued.session_token, session_jwt=issued.session_jwt
        )
    ) == ("too_many_session_arguments")


async def test_jwt_expiry_follows_the_session(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id, duration=5)
    later = NOW + timedelta(minutes=3)
    refreshed = await authenticate(db_sessions, keys, project_id, token=issued.session_token, now=later)
    claims = jwt.decode(refreshed.session_jwt, options={"verify_signature": False})
    assert claims["iat"] == int(later.timestamp())
    assert claims["exp"] == int((NOW + timedelta(minutes=5)).timestamp())


async def test_an_expired_jwt_refreshes_while_its_session_lives(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id, duration=60)
    later = NOW + timedelta(minutes=30)
    refreshed = await authenticate(db_sessions, keys, project_id, session_jwt=issued.session_jwt, now=later)
    assert jwt.decode(refreshed.session_jwt, options={"verify_signature": False})["iat"] == int(
        later.timestamp()
    )
    gone = NOW + timedelta(minutes=61)
    assert await error_of(
        authenticate(db_sessions, keys, project_id, session_jwt=issued.session_jwt, now=gone)
    ) == ("session_not_found")


async def test_authenticate_extends_and_merges_custom_claims(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(
        db_sessions, keys, project_id, user_id, claims={"a": 1, "b": 2, "e": {"x": 1, "y": 2}}
    )
    later = NOW + timedelta(minutes=2)
    result = await authenticate(
        db_sessions,
        keys,
        project_id,
        token=issued.session_token,
        duration=120,
        claims={"a": None, "c": 3, "e": {"x": None, "z": 3}},
        now=later,
    )
    assert result.session.custom_claims == {"b": 2, "c": 3, "e": {"y": 2, "z": 3}}
    assert result.session.expires_at == later + timedelta(minutes=120)
    again = await authenticate(db_sessions, keys, project_id, token=issued.session_token, now=later)
    assert again.session.custom_claims == {"b": 2, "c": 3, "e": {"y": 2, "z": 3}}
    assert again.session.expires_at == later + timedelta(minutes=120)
    claims = jwt.decode(again.session_jwt, options={"verify_signature": False})
    assert (claims["b"], claims["c"], claims["e"]) == (2, 3, {"y": 2, "z": 3})

    for bad, expected in (
        ({"sub": "x"}, "reserved_claims_in_custom_claims"),
        ({"iss": "x"}, "reserved_claims_in_custom_claims"),
        ({"https://stytch.com/session": {}}, "stytch_claims_in_custom_claims"),
        ({"big": "x" * 5000}, "custom_claims_too_large"),
    ):
        call = authenticate(db_sessions, keys, project_id, token=issued.session_token, claims=bad, now=later)
        assert await error_of(call) == expected
        assert await error_of(start(db_sessions, keys, project_id, user_id, claims=bad)) == expected


async def test_last_accessed_at_is_written_at_most_once_a_minute(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id)
    soon = await authenticate(
        db_sessions, keys, project_id, token=issued.session_token, now=NOW + timedelta(seconds=59)
    )
    assert soon.session.last_accessed_at == NOW
    later = NOW + timedelta(seconds=61)
    await authenticate(db_sessions, keys, project_id, token=issued.session_token, now=later)
    assert issued.session is not None
    where = Session.session_id == issued.session.session_id
    stored = await run(db_sessions, lambda db: db.scalar(select(Session.last_accessed_at).where(where)))
    assert stored == later


async def test_list_sessions_by_user_id_or_external_id(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    short = await start(db_sessions, keys, project_id, user_id, duration=5)
    long = await start(db_sessions, keys, project_id, user_id, duration=60, now=NOW + timedelta(seconds=1))
    assert short.session is not None and long.session is not None
    for ref in (user_id, "ada"):
        listed = await run(
            db_sessions, lambda db, ref=ref: service.list_sessions(db, project_id, ref, now=NOW)
        )
        assert [item.session.session_id for item in listed] == [
            short.session.session_id,
            long.session.session_id,
        ]
        assert listed[0].roles == ["stytch_user", "editor"]
    later = await run(
        db_sessions, lambda db: service.list_sessions(db, project_id, user_id, now=NOW + timedelta(minutes=6))
    )
    assert [item.session.session_id for item in later] == [long.session.session_id]
    with pytest.raises(KeystileError) as unknown:
        await run(db_sessions, lambda db: service.list_sessions(db, project_id, "user-test-none", now=NOW))
    assert unknown.value.error_type == "user_not_found"


async def test_revoke_by_id_token_or_jwt_takes_effect_at_once(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    async def revoke(**given: str | None) -> None:
        args: dict[str, str | None] = {
            "session_id": None,
            "session_token": None,
            "session_jwt": None,
            **given,
        }
        await run(
            db_sessions, lambda db: service.revoke_session(db, keys, project_id=project_id, now=NOW, **args)
        )

    for how in ("session_id", "session_token", "session_jwt"):
        issued = await start(db_sessions, keys, project_id, user_id)
        assert issued.session is not None
        value = {
            "session_id": issued.session.session_id,
            "session_token": issued.session_token,
            "session_jwt": issued.session_jwt,
        }[how]
        await authenticate(db_sessions, keys, project_id, token=issued.session_token)
        await revoke(**{how: value})
        for token, session_jwt in ((issued.session_token, None), (None, issued.session_jwt)):
            call = authenticate(db_sessions, keys, project_id, token=token, session_jwt=session_jwt)
            assert await error_of(call) == "session_not_found"
        assert await error_of(revoke(**{how: value})) == "session_not_found"

    assert await error_of(revoke()) == "no_session_revoke_arguments"
    assert await error_of(revoke(session_id="a", session_token="b")) == "too_many_session_revoke_arguments"
    assert await error_of(authenticate(db_sessions, keys, project_id)) == "no_session_arguments"


async def test_one_project_cannot_use_another_projects_sessions(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    from keystile.projects.service import create_project

    issued = await start(db_sessions, keys, project_id, user_id)
    assert issued.session is not None
    other = await run(
        db_sessions,
        lambda db: create_project(db, name="other", vertical="consumer", redirect_urls=[], now=NOW),
    )
    other_id = other.project.project_id
    assert await error_of(authenticate(db_sessions, keys, other_id, token=issued.session_token)) == (
        "session_not_found"
    )
    assert await error_of(authenticate(db_sessions, keys, other_id, session_jwt=issued.session_jwt)) == (
        "unable_to_parse_session_jwt"
    )
    revoke = service.revoke_session
    for args in (
        {"session_id": issued.session.session_id, "session_token": None},
        {"session_id": None, "session_token": issued.session_token},
    ):
        call = run(
            db_sessions,
            lambda db, args=args: revoke(db, keys, project_id=other_id, session_jwt=None, now=NOW, **args),
        )
        assert await error_of(call) == "session_not_found"
    with pytest.raises(KeystileError) as stranger:
        await run(db_sessions, lambda db: service.list_sessions(db, other_id, user_id, now=NOW))
    assert stranger.value.error_type == "user_not_found"
    await authenticate(db_sessions, keys, project_id, token=issued.session_token)


async def test_authenticate_costs_one_query(
    engine: AsyncEngine,
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    user_id: str,
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id)
    await authenticate(db_sessions, keys, project_id, token=issued.session_token)  # keys now cached
    with counted_statements(engine, db_sessions) as by_token:
        await authenticate(
            db_sessions, keys, project_id, token=issued.session_token, now=NOW + timedelta(seconds=30)
        )
    with counted_statements(engine, db_sessions) as by_jwt:
        await authenticate(
            db_sessions, keys, project_id, session_jwt=issued.session_jwt, now=NOW + timedelta(seconds=30)
        )
    assert len(by_token) == 1, by_token
    assert len(by_jwt) == 1, by_jwt
    # Once a minute, last_accessed_at is written: one UPDATE more.
    with counted_statements(engine, db_sessions) as with_write:
        await authenticate(
            db_sessions, keys, project_id, token=issued.session_token, now=NOW + timedelta(minutes=2)
        )
    assert len(with_write) == 2, with_write
    assert with_write[1].lstrip().upper().startswith("UPDATE"), with_write


async def test_an_authorization_check_costs_no_query_once_the_policy_is_in_memory(
    engine: AsyncEngine, db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    document = {
        "resources": [{"resource_id": "documents", "actions": ["read", "write", "delete"]}],
        "roles": [{"role_id": "editor", "permissions": [{"resource_id": "documents", "actions": ["write"]}]}],
    }
    await run(db_sessions, lambda db: set_project_policy(db, project_id, "consumer", document, now=NOW))
    policies = PolicyCache(ttl_seconds=60)
    issued = await start(db_sessions, keys, project_id, user_id)

    def checked(action: str, **changes: Any) -> Awaitable[service.AuthenticatedSession]:
        return run(
            db_sessions,
            lambda db: service.authenticate_session(
                db,
                keys,
                project_id=project_id,
                session_token=issued.session_token,
                session_jwt=None,
                duration_minutes=changes.get("duration"),
                custom_claims=None,
                now=changes.get("now", NOW),
                authorization_check=AuthorizationCheck("documents", action),
                policies=policies,
            ),
        )

    assert (await checked("write")).verdict == Verdict(["editor"])  # the policy is read once, here
    with counted_statements(engine, db_sessions) as statements:
        await checked("write", now=NOW + timedelta(seconds=30))
    assert len(statements) == 1, statements
    # Refused: the session is not extended.
    assert await error_of(checked("delete", duration=600)) == "consumer_session_authorization_error"
    after = await authenticate(db_sessions, keys, project_id, token=issued.session_token)
    assert issued.session is not None and after.session.expires_at == issued.session.expires_at
