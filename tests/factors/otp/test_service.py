"""The passcode service in process: codes live by the injected clock, are redeemed once, and survive
only a bounded number of wrong guesses."""

from __future__ import annotations

from datetime import datetime, timedelta

from keystile.factors import passcodes
from keystile.factors.common import Authenticated
from keystile.factors.otp import service
from keystile.identity.service import get_user
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, last_code, refusal, within

ADDRESS = "grace@example.com"


async def send_code(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    minutes: int | None = None,
    at: datetime = NOW,
) -> service.SentCode:
    return await within(
        db_sessions,
        lambda db: service.login_or_create(
            call_for(db, project_id, keys, now=at),
            channel="email",
            contact=ADDRESS,
            create_user_as_pending=False,
            options=service.SendOptions(expiration_minutes=minutes),
        ),
    )


async def redeem(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    method_id: str,
    code: str,
    minutes_later: float = 1,
) -> Authenticated:
    return await within(
        db_sessions,
        lambda db: service.authenticate(
            call_for(db, project_id, keys, now=NOW + timedelta(minutes=minutes_later)),
            method_id=method_id,
            code=code,
            session_request=SessionRequest(duration_minutes=60),
        ),
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_a_code_creates_the_user_verifies_the_email_and_starts_a_session(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    sent = await send_code(db_sessions, keys, project_id)
    assert sent.user_created
    code = await last_code(db_sessions, project_id, ADDRESS)
    done = await redeem(db_sessions, keys, project_id, sent.method_id, code)
    assert done.user.user.user_id == sent.user_id and done.user.emails[0].verified
    stored = await within(db_sessions, lambda db: get_user(db, project_id, sent.user_id, now=NOW))
    assert stored.emails[0].verified


async def test_a_code_is_redeemed_once(db_sessions: Sessions, keys: KeyRing, project_id: str) -> None:
    sent = await send_code(db_sessions, keys, project_id)
    code = await last_code(db_sessions, project_id, ADDRESS)
    await redeem(db_sessions, keys, project_id, sent.method_id, code)
    again = redeem(db_sessions, keys, project_id, sent.method_id, code)
    assert await refusal(again) == "unable_to_auth_otp_code"


async def test_a_code_expires_by_the_clock(db_sessions: Sessions, keys: KeyRing, project_id: str) -> None:
    sent = await send_code(db_sessions, keys, project_id, minutes=2)
    code = await last_code(db_sessions, project_id, ADDRESS)
    late = redeem(db_sessions, keys, project_id, sent.method_id, code, minutes_later=2)
    assert await refusal(late) == "unable_to_auth_otp_code"
    assert (await redeem(db_sessions, keys, project_id, sent.method_id, code, 1.99)).issued.session


async def test_a_wrong_code_leaves_the_right_one_usable_until_the_attempts_run_out(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    sent = await send_code(db_sessions, keys, project_id)
    code = await last_code(db_sessions, project_id, ADDRESS)
    for _ in range(passcodes.MAX_ATTEMPTS):
        guess = redeem(db_sessions, keys, project_id, sent.method_id, wrong(code))
        assert await refusal(guess) == "otp_code_not_found"
    spent = redeem(db_sessions, keys, project_id, sent.method_id, code)
    assert await refusal(spent) == "unable_to_auth_otp_code"


async def test_a_new_code_replaces_the_last_one(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    sent = await send_code(db_sessions, keys, project_id)
    first = await last_code(db_sessions, project_id, ADDRESS)
    await send_code(db_sessions, keys, project_id, at=NOW + 2 * service.EMAIL_SEND_INTERVAL)
    second = await last_code(db_sessions, project_id, ADDRESS)
    if first != second:
        stale = redeem(db_sessions, keys, project_id, sent.method_id, first)
        assert await refusal(stale) == "otp_code_not_found"
    assert (await redeem(db_sessions, keys, project_id, sent.method_id, second)).issued.session


async def test_a_method_without_a_code_is_not_found(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await send_code(db_sessions, keys, project_id)
    code = await last_code(db_sessions, project_id, ADDRESS)
    other = "email-live-00000000-0000-4000-8000-000000000000"
    assert await refusal(redeem(db_sessions, keys, project_id, other, code)) == "otp_code_not_found"
