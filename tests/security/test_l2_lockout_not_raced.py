"""L2: the lock after 10 failures holds under concurrency: of many simultaneous wrong passwords (or
TOTP codes) at most 10 are ever checked, the rest are refused as locked, and the lock then holds."""

from __future__ import annotations

import time
from collections import Counter

import pyotp
import stytch

from tests.support.magic_links import new_address
from tests.support.otps import race
from tests.support.server import KeystileServer, Project

PASSWORD = "violet tangerine oboe 71"
WRONG = "copper lantern walrus 28"
THRESHOLD = 10
CONCURRENT = 30


def _wrong_totp_code(secret: str) -> str:
    """A code that no step within ±2 of now produces."""
    totp, now = pyotp.TOTP(secret), time.time()
    valid = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in valid)


def test_l2_concurrent_wrong_passwords_are_checked_at_most_ten_times(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    email = new_address("raced-lock")
    user_id = client.passwords.create(email=email, password=PASSWORD).user_id
    body = {"email": email, "password": WRONG}
    outcomes = Counter(
        r.json()["error_type"]
        for r in race(server, project, "/v1/passwords/authenticate", [body] * CONCURRENT)
    )
    assert set(outcomes) <= {"unauthorized_credentials", "user_lock_limit_reached"}, outcomes
    assert 1 <= outcomes["unauthorized_credentials"] <= THRESHOLD, outcomes
    assert outcomes["user_lock_limit_reached"] >= CONCURRENT - THRESHOLD, outcomes

    # Locked means locked, for the right password too.
    right = race(server, project, "/v1/passwords/authenticate", [{"email": email, "password": PASSWORD}])
    assert right[0].json()["error_type"] == "user_lock_limit_reached"
    assert client.users.get(user_id).is_locked is True


def test_l2_concurrent_wrong_totp_codes_are_checked_at_most_ten_times(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user = client.users.create(email=new_address("raced-totp"))
    created = client.totps.create(user_id=user.user_id)
    body = {"user_id": user.user_id, "totp_code": _wrong_totp_code(created.secret)}
    outcomes = Counter(
        r.json()["error_type"] for r in race(server, project, "/v1/totps/authenticate", [body] * CONCURRENT)
    )
    assert set(outcomes) <= {"unable_to_authenticate_totp", "user_lock_limit_reached"}, outcomes
    assert 1 <= outcomes["unable_to_authenticate_totp"] <= THRESHOLD, outcomes
    assert outcomes["user_lock_limit_reached"] >= CONCURRENT - THRESHOLD, outcomes

    right = {"user_id": user.user_id, "totp_code": pyotp.TOTP(created.secret).now()}
    assert race(server, project, "/v1/totps/authenticate", [right])[0].json()["error_type"] == (
        "user_lock_limit_reached"
    )
    assert client.users.get(user.user_id).is_locked is True
