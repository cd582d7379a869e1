"""The TOTP service in process: codes are checked against the injected clock, each code (and every
earlier one) is accepted once, and recovery codes are single use."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp

from keystile.factors.totp import service
from keystile.identity.service import NewUser, create_user
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, refusal, within


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


async def registered(db_sessions: Sessions, keys: KeyRing, project_id: str) -> service.CreatedTotp:
    user = await within(
        db_sessions, lambda db: create_user(db, project_id, NewUser(email="alan@example.com"), now=NOW)
    )
    return await within(
        db_sessions,
        lambda db: service.create(
            call_for(db, project_id, keys), user_id=user.user.user_id, expiration_minutes=None
        ),
    )


async def check(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    created: service.CreatedTotp,
    code: str,
    moment: datetime,
) -> service.TotpAuthenticated:
    return await within(
        db_sessions,
        lambda db: service.authenticate(
            call_for(db, project_id, keys, now=moment),
            user_id=created.user.user.user_id,
            totp_code=code,
            session_request=SessionRequest(duration_minutes=60),
        ),
    )


async def recover(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    created: service.CreatedTotp,
    code: str,
) -> service.TotpAuthenticated:
    return await within(
        db_sessions,
        lambda db: service.recover(
            call_for(db, project_id, keys, now=NOW + timedelta(minutes=1)),
            user_id=created.user.user.user_id,
            recovery_code=code,
            session_request=SessionRequest(),
        ),
    )


async def test_a_code_of_the_clocks_step_verifies_the_registration_once(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    created = await registered(db_sessions, keys, project_id)
    code = code_at(created.secret, NOW)
    done = await check(db_sessions, keys, project_id, created, code, NOW)
    assert done.totp_id == created.totp_id and done.issued.session is not None
    replay = check(db_sessions, keys, project_id, created, code, NOW + timedelta(seconds=5))
    assert await refusal(replay) == "totp_code_already_authenticated"


async def test_a_code_two_steps_away_from_the_clock_is_refused(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    created = await registered(db_sessions, keys, project_id)
    old = code_at(created.secret, NOW - timedelta(seconds=60))
    stale = check(db_sessions, keys, project_id, created, old, NOW)
    assert await refusal(stale) == "unable_to_authenticate_totp"
    skewed = code_at(created.secret, NOW - timedelta(seconds=30))
    assert (await check(db_sessions, keys, project_id, created, skewed, NOW)).issued.session


async def test_a_second_registration_is_refused_once_one_is_verified(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    created = await registered(db_sessions, keys, project_id)
    await check(db_sessions, keys, project_id, created, code_at(created.secret, NOW), NOW)
    again = within(
        db_sessions,
        lambda db: service.create(
            call_for(db, project_id, keys), user_id=created.user.user.user_id, expiration_minutes=None
        ),
    )
    assert await refusal(again) == "active_totp_exists"


async def test_a_recovery_code_works_once(db_sessions: Sessions, keys: KeyRing, project_id: str) -> None:
    created = await registered(db_sessions, keys, project_id)
    await check(db_sessions, keys, project_id, created, code_at(created.secret, NOW), NOW)
    first = created.recovery_codes[0]
    assert (await recover(db_sessions, keys, project_id, created, first)).totp_id == created.totp_id
    used = recover(db_sessions, keys, project_id, created, first)
    assert await refusal(used) == "unable_to_authenticate_recovery_code"
    assert await recover(db_sessions, keys, project_id, created, created.recovery_codes[1])


async def test_a_registration_needs_a_user_of_the_project(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    missing = within(
        db_sessions,
        lambda db: service.create(
            call_for(db, project_id, keys), user_id="user-live-0", expiration_minutes=None
        ),
    )
    assert await refusal(missing) == "user_not_found"
