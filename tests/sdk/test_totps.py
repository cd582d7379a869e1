"""Consumer TOTP through the official Python SDK against a real server, with codes computed by pyotp:
create, authenticate, replay refused, recovery codes used once, the user lock, and hostile input."""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
import pyotp
import pytest
import stytch

from tests.support.hostile import assert_stytch_error
from tests.support.magic_links import new_address
from tests.support.otps import emailed_code, error_types, race
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink


def a_wrong_code(secret: str) -> str:
    """A code that no step within ±1 of now produces."""
    totp, now = pyotp.TOTP(secret), time.time()
    valid = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in valid)


def test_create_authenticate_replay_and_recover(client: stytch.Client) -> None:
    email = new_address("totp")
    user = client.users.create(email=email)
    created = client.totps.create(user_id=user.user_id)
    assert created.user_id == user.user_id
    assert len(base64.b32decode(created.secret)) == 20
    assert created.qr_code.startswith("data:image/png;base64,")
    assert base64.b64decode(created.qr_code.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert len(created.recovery_codes) == len(set(created.recovery_codes)) == 10
    assert [(t.totp_id, t.verified) for t in created.user.totps] == [(created.totp_id, False)]
    # A recovery code of a registration nobody has verified yet is no use.
    assert error_type(
        lambda: client.totps.recover(user_id=user.user_id, recovery_code=created.recovery_codes[0])
    ) == ("totp_not_found")

    code = pyotp.TOTP(created.secret).now()
    auth = client.totps.authenticate(user_id=user.user_id, totp_code=code, session_duration_minutes=60)
    assert (auth.user_id, auth.totp_id) == (user.user_id, created.totp_id)
    assert auth.session is not None
    [factor] = auth.session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("totp", "authenticator_app")
    assert factor.authenticator_app_factor is not None
    assert factor.authenticator_app_factor.totp_id == created.totp_id
    assert [(t.totp_id, t.verified) for t in client.users.get(user.user_id).totps] == [
        (created.totp_id, True)
    ]

    # The same code is usable once.
    assert error_type(lambda: client.totps.authenticate(user_id=user.user_id, totp_code=code)) == (
        "totp_code_already_authenticated"
    )
    # One verified registration at a time.
    assert error_type(lambda: client.totps.create(user_id=user.user_id)) == "active_totp_exists"

    recovered = client.totps.recover(
        user_id=user.user_id, recovery_code=created.recovery_codes[0], session_token=auth.session_token
    )
    assert recovered.session is not None
    assert [(f.type, f.delivery_method) for f in recovered.session.authentication_factors] == [
        ("totp", "authenticator_app"),
        ("recovery_codes", "recovery_code"),
    ]
    assert recovered.session.authentication_factors[1].recovery_code_factor is not None
    assert error_type(
        lambda: client.totps.recover(user_id=user.user_id, recovery_code=created.recovery_codes[0])
    ) == ("unable_to_authenticate_recovery_code")
    # Another code works, however it is typed.
    typed = created.recovery_codes[1].upper().replace("-", " ")
    assert client.totps.recover(user_id=user.user_id, recovery_code=typed).session_token == ""

    listed = client.totps.recovery_codes(user_id=user.user_id)
    assert [(t.totp_id, t.verified, t.recovery_codes) for t in listed.totps] == [(created.totp_id, True, [])]


def test_totp_adds_a_second_factor_to_an_email_passcode_session(
    client: stytch.Client, smtp_sink: SmtpSink
) -> None:
    email = new_address("mfa-totp")
    sent = client.otps.email.login_or_create(email=email)
    first = client.otps.authenticate(
        method_id=sent.email_id, code=emailed_code(smtp_sink, email), session_duration_minutes=60
    )
    created = client.totps.create(user_id=sent.user_id, expiration_minutes=5)
    auth = client.totps.authenticate(
        user_id=sent.user_id, totp_code=pyotp.TOTP(created.secret).now(), session_jwt=first.session_jwt
    )
    assert auth.session is not None and auth.session.session_id == first.session.session_id  # type: ignore[union-attr]
    assert [f.type for f in auth.session.authentication_factors] == ["otp", "totp"]


def test_wrong_codes_and_recovery_codes_lock_the_user(client: stytch.Client) -> None:
    user = client.users.create(email=new_address("totp-lock"))
    created = client.totps.create(user_id=user.user_id)
    client.totps.authenticate(user_id=user.user_id, totp_code=pyotp.TOTP(created.secret).now())
    wrong = a_wrong_code(created.secret)
    for _ in range(8):
        assert error_type(lambda: client.totps.authenticate(user_id=user.user_id, totp_code=wrong)) == (
            "unable_to_authenticate_totp"
        )
    for guess in ("aaaa-bbbb-cccc", "2222-3333-4444"):
        assert error_type(lambda g=guess: client.totps.recover(user_id=user.user_id, recovery_code=g)) == (  # type: ignore[misc]
            "unable_to_authenticate_recovery_code"
        )
    # Ten failures within the hour: neither a right code nor a recovery code gets in.
    code = pyotp.TOTP(created.secret).now()
    assert error_type(lambda: client.totps.authenticate(user_id=user.user_id, totp_code=code)) == (
        "user_lock_limit_reached"
    )
    assert error_type(
        lambda: client.totps.recover(user_id=user.user_id, recovery_code=created.recovery_codes[0])
    ) == ("user_lock_limit_reached")
    assert client.users.get(user.user_id).is_locked is True


def test_concurrent_uses_of_one_code_have_one_winner(
    client: stytch.Client, server: KeystileServer, project: Project
) -> None:
    user = client.users.create(email=new_address("totp-race"))
    created = client.totps.create(user_id=user.user_id)
    totp = {"user_id": user.user_id, "totp_code": pyotp.TOTP(created.secret).now()}
    # Ten at once: every attempt counts towards the 10-failure lock before its code is checked (more
    # at once would lock the user), and a used code is then taken back.
    outcomes = error_types(race(server, project, "/v1/totps/authenticate", [totp] * 10))
    assert outcomes == ["ok"] + ["totp_code_already_authenticated"] * 9
    assert client.users.get(user.user_id).is_locked is False
    recovery = {"user_id": user.user_id, "recovery_code": created.recovery_codes[0]}
    outcomes = error_types(race(server, project, "/v1/totps/recover", [recovery] * 5))
    assert outcomes == ["ok"] + ["unable_to_authenticate_recovery_code"] * 4


def test_bounds_and_unknown_users(client: stytch.Client) -> None:
    user = client.users.create(email=new_address("totp-bounds"))
    for minutes in (4, 1441):
        assert error_type(
            lambda m=minutes: client.totps.create(user_id=user.user_id, expiration_minutes=m)  # type: ignore[misc]
        ) == ("invalid_expiration")
    missing = "user-test-00000000-0000-0000-0000-000000000000"
    assert error_type(lambda: client.totps.create(user_id=missing)) == "user_not_found"
    assert error_type(lambda: client.totps.authenticate(user_id=missing, totp_code="123456")) == (
        "user_not_found"
    )
    assert error_type(lambda: client.totps.authenticate(user_id=user.user_id, totp_code="123456")) == (
        "totp_not_found"
    )
    assert error_type(lambda: client.totps.recovery_codes(user_id=missing)) == "user_not_found"


HOSTILE: list[tuple[str, dict[str, Any]]] = [
    ("/v1/totps", {}),
    ("/v1/totps", {"user_id": ["user-test-x"]}),
    ("/v1/totps", {"user_id": "' OR 1=1 --"}),
    ("/v1/totps", {"user_id": "user-test-x", "expiration_minutes": "60"}),
    ("/v1/totps/authenticate", {"user_id": "user-test-x", "totp_code": "abcdef"}),
    ("/v1/totps/authenticate", {"user_id": "user-test-x", "totp_code": 123456}),
    ("/v1/totps/authenticate", {"user_id": "user-test-x", "totp_code": "1234567890" * 10}),
    ("/v1/totps/authenticate", {"user_id": "x" * 5000, "totp_code": "123456"}),
    ("/v1/totps/recovery_codes", {"user_id": None}),
    ("/v1/totps/recover", {"user_id": "user-test-x", "recovery_code": "%00%00"}),
    ("/v1/totps/recover", {"user_id": "user-test-x", "recovery_code": "123456"}),
    ("/v1/totps/recover", {"user_id": "user-test-x", "recovery_code": {"code": "x"}}),
]


@pytest.mark.parametrize(("path", "body"), HOSTILE, ids=[f"{p}-{i}" for i, (p, _) in enumerate(HOSTILE)])
def test_hostile_input_is_a_4xx_in_stytch_shape(api: httpx.Client, path: str, body: dict[str, Any]) -> None:
    """Each answer is Stytch's error JSON; the server logs no traceback and no secret (see `api`)."""
    assert_stytch_error(api.post(path, json=body))
