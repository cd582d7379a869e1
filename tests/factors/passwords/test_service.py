"""The password service in process: sign-up and sign-in, the lock after repeated wrong passwords
(lifted by the clock), and single-use reset tokens that expire by the clock."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from keystile.credentials.hashes import Argon2Parameters
from keystile.factors.passwords import service
from keystile.factors.passwords.models import UserPassword
from keystile.identity import lockout
from keystile.identity.service import NewUser
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, last_token, new_project, refusal, within

ADDRESS = "linus@example.com"
PASSWORD = "correct horse battery staple 1962"
NEW_PASSWORD = "an entirely different passphrase 2026"
CHEAP = Argon2Parameters(memory_kib=8, time_cost=1, parallelism=1)


async def sign_up(
    db_sessions: Sessions, keys: KeyRing, project_id: str, password: str = PASSWORD
) -> service.PasswordSession:
    return await within(
        db_sessions,
        lambda db: service.create(
            call_for(db, project_id, keys),
            email=ADDRESS,
            password=password,
            profile=NewUser(),
            session_request=SessionRequest(duration_minutes=60),
            parameters=CHEAP,
        ),
    )


async def sign_in(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    password: str = PASSWORD,
    *,
    email: str = ADDRESS,
    later: timedelta = timedelta(minutes=1),
) -> service.PasswordSession:
    return await within(
        db_sessions,
        lambda db: service.authenticate(
            call_for(db, project_id, keys, now=NOW + later),
            email=email,
            password=password,
            session_request=SessionRequest(duration_minutes=60),
            parameters=CHEAP,
        ),
    )


async def start_reset(db_sessions: Sessions, project_id: str, minutes: int | None = None) -> str:
    await within(
        db_sessions,
        lambda db: service.reset_start(
            call_for(db, project_id),
            email=ADDRESS,
            redirect_url=None,
            expiration_minutes=minutes,
            code_challenge=None,
        ),
    )
    return await last_token(db_sessions, project_id, ADDRESS)


async def reset(
    db_sessions: Sessions, keys: KeyRing, project_id: str, token: str, minutes_later: float = 1
) -> service.PasswordSession:
    return await within(
        db_sessions,
        lambda db: service.reset_by_email(
            call_for(db, project_id, keys, now=NOW + timedelta(minutes=minutes_later)),
            token=token,
            password=NEW_PASSWORD,
            code_verifier=None,
            session_request=SessionRequest(duration_minutes=60),
            parameters=CHEAP,
        ),
    )


async def test_sign_up_then_sign_in(db_sessions: Sessions, keys: KeyRing, project_id: str) -> None:
    created = await sign_up(db_sessions, keys, project_id)
    assert created.issued.session is not None and not created.user.emails[0].verified
    signed_in = await sign_in(db_sessions, keys, project_id)
    assert signed_in.user.user.user_id == created.user.user.user_id
    assert signed_in.email_id == created.email_id


async def test_sign_up_refuses_a_taken_address_a_breached_and_a_weak_password(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    assert await refusal(sign_up(db_sessions, keys, project_id, "password")) == "breached_password"
    assert await refusal(sign_up(db_sessions, keys, project_id, "Tq9vz")) == "weak_password"
    await sign_up(db_sessions, keys, project_id)
    assert await refusal(sign_up(db_sessions, keys, project_id)) == "duplicate_email"


async def test_a_wrong_password_and_an_unknown_address_are_refused(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await sign_up(db_sessions, keys, project_id)
    assert await refusal(sign_in(db_sessions, keys, project_id, "wrong")) == "unauthorized_credentials"
    unknown = sign_in(db_sessions, keys, project_id, email="nobody@example.com")
    assert await refusal(unknown) == "email_not_found"


async def test_wrong_passwords_lock_the_user_until_the_clock_lifts_it(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await sign_up(db_sessions, keys, project_id)
    for _ in range(lockout.LOCK_THRESHOLD):
        assert await refusal(sign_in(db_sessions, keys, project_id, "wrong")) == "unauthorized_credentials"
    locked = sign_in(db_sessions, keys, project_id, later=timedelta(minutes=2))
    assert await refusal(locked) == "user_lock_limit_reached"
    lifted = timedelta(minutes=2) + lockout.LOCK_DURATION
    assert (await sign_in(db_sessions, keys, project_id, later=lifted)).issued.session


async def test_a_right_password_clears_the_count_of_wrong_ones(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await sign_up(db_sessions, keys, project_id)
    for _ in range(2):
        for _ in range(lockout.LOCK_THRESHOLD - 1):
            await refusal(sign_in(db_sessions, keys, project_id, "wrong"))
        assert (await sign_in(db_sessions, keys, project_id)).issued.session


async def test_a_reset_token_sets_the_password_once(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await sign_up(db_sessions, keys, project_id)
    token = await start_reset(db_sessions, project_id)
    done = await reset(db_sessions, keys, project_id, token)
    assert done.user.emails[0].verified
    assert await refusal(reset(db_sessions, keys, project_id, token)) == "unable_to_auth_password_reset_token"
    assert await refusal(sign_in(db_sessions, keys, project_id)) == "unauthorized_credentials"
    assert (await sign_in(db_sessions, keys, project_id, NEW_PASSWORD)).issued.session


async def test_a_reset_token_expires_by_the_clock(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await sign_up(db_sessions, keys, project_id)
    token = await start_reset(db_sessions, project_id, minutes=5)
    assert (
        await refusal(reset(db_sessions, keys, project_id, token, 5)) == "unable_to_auth_password_reset_token"
    )
    assert (await reset(db_sessions, keys, project_id, token, 4.99)).issued.session


async def migrate(db_sessions: Sessions, project_id: str, password: str) -> None:
    digest = hashlib.sha1(password.encode()).hexdigest()
    await within(
        db_sessions,
        lambda db: service.migrate(
            call_for(db, project_id),
            email=ADDRESS,
            hash_type="sha_1",
            hash_text=digest,
            hash_config=None,
            profile=NewUser(),
            set_email_verified=True,
            set_phone_number_verified=False,
        ),
    )


async def stored(db_sessions: Sessions, project_id: str) -> UserPassword:
    where = UserPassword.project_id == project_id
    return await within(db_sessions, lambda db: db.scalar(select(UserPassword).where(where)))


async def test_a_login_replaces_an_imported_hash_and_marks_a_breached_password(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    """The password row that the login's one read brings is written back: the rehash, the reset mark."""
    await migrate(db_sessions, project_id, PASSWORD)
    assert (await sign_in(db_sessions, keys, project_id)).issued.session
    row = await stored(db_sessions, project_id)
    assert row.hash_type == "argon_2id" and row.hash.startswith("$argon2id$") and not row.requires_reset
    assert (await sign_in(db_sessions, keys, project_id)).issued.session

    breached = await new_project(db_sessions, "consumer")
    await migrate(db_sessions, breached, "password1")
    assert await refusal(sign_in(db_sessions, keys, breached, "password1")) == "reset_password"
    assert (await stored(db_sessions, breached)).requires_reset
