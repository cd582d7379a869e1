"""The `/sdk/v1` routes of the pre-built UI's password flow over plain HTTP, as vanilla-js sends them:
`users/search` tells only whether an address is new, has a password or has none; the three resets
(by emailed link, by existing password, by the caller's session) give sessions the backend accepts;
bad input is a Stytch 4xx."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.magic_links import new_address, received_link, token_of
from tests.support.sdk_api import PASSWORD, backend, enable_sdk, error_type, sdk_call
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

NEW_PASSWORD = "another-horse-battery-staple-7"
RESET_URL = "http://localhost:3000/authenticate"


def signed_up(server: KeystileServer, project: Project, email: str) -> dict[str, Any]:
    body = {"email": email, "password": PASSWORD, "session_duration_minutes": 60}
    created = sdk_call(server, "/passwords", project, body)
    assert created.status_code == 200, created.text
    return dict(created.json()["data"])


def signs_in(server: KeystileServer, project: Project, email: str, password: str) -> str:
    """The error type of a password sign-in through the SDK, or `ok`."""
    body = {"email": email, "password": password, "session_duration_minutes": 60}
    answer = sdk_call(server, "/passwords/authenticate", project, body)
    return "ok" if answer.status_code == 200 else error_type(answer)


def test_users_search_tells_only_new_password_or_passwordless(
    server: KeystileServer, project: Project
) -> None:
    enable_sdk(server, project)
    with_password, without_password = new_address("search"), new_address("search")
    signed_up(server, project, with_password)
    backend(server, project).users.create(email=without_password)

    kinds = {}
    for email in (with_password, without_password, new_address("nobody"), with_password.upper()):
        answer = sdk_call(server, "/users/search", project, {"email": email})
        assert answer.status_code == 200, answer.text
        assert answer.headers["access-control-allow-origin"] == "http://localhost:3000"
        # Stytch's answer names no user, email or factor: an unknown address differs only in userType.
        assert set(answer.json()["data"]) == {"request_id", "status_code", "userType"}
        kinds[email] = answer.json()["data"]["userType"]
    assert list(kinds.values()) == ["password", "passwordless", "new", "password"]


@pytest.mark.parametrize(
    "body", [{}, {"email": "not-an-address"}, {"email": 7}, {"email": "a" * 400 + "@example.com"}]
)
def test_users_search_refuses_bad_input(
    server: KeystileServer, project: Project, body: dict[str, Any]
) -> None:
    enable_sdk(server, project)
    answer = sdk_call(server, "/users/search", project, body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["status_code"] == 400 and answer.json()["error_type"]


def test_users_search_is_refused_when_the_sdk_forbids_passwords(
    server: KeystileServer, project: Project
) -> None:
    enable_sdk(server, project, "--forbid-method", "passwords")
    answer = sdk_call(server, "/users/search", project, {"email": new_address()})
    assert (answer.status_code, error_type(answer)) == (403, "endpoint_not_authorized_for_sdk")
    elsewhere = sdk_call(
        server, "/users/search", project, {"email": new_address()}, origin="https://evil.example"
    )
    assert error_type(elsewhere) == "bad_domain_for_stytch_sdk"


def test_a_password_is_reset_by_emailed_link(
    server: KeystileServer, project: Project, smtp_sink: SmtpSink
) -> None:
    enable_sdk(server, project)
    email = new_address("sdk-reset")
    user_id = signed_up(server, project, email)["user_id"]
    # As vanilla-js's resetByEmailStart sends it (the pre-built UI's "Forgot your password?").
    start = {
        "email": email,
        "reset_password_redirect_url": RESET_URL,
        "reset_password_expiration_minutes": 30,
    }
    started = sdk_call(server, "/passwords/email/reset/start", project, start)
    assert started.status_code == 200, started.text
    assert started.json()["data"]["user_id"] == user_id
    token = token_of(received_link(smtp_sink, email), "reset_password")

    weak = sdk_call(server, "/passwords/email/reset", project, {"token": token, "password": "kittenfluff"})
    assert (weak.status_code, error_type(weak)) == (400, "weak_password")
    body = {"token": token, "password": NEW_PASSWORD, "session_duration_minutes": 60}
    reset = sdk_call(server, "/passwords/email/reset", project, body)
    assert reset.status_code == 200, reset.text
    session_token = reset.json()["data"]["session_token"]
    assert backend(server, project).sessions.authenticate(session_token=session_token).user.user_id == user_id
    assert signs_in(server, project, email, PASSWORD) == "unauthorized_credentials"
    assert signs_in(server, project, email, NEW_PASSWORD) == "ok"
    replayed = sdk_call(server, "/passwords/email/reset", project, body)
    assert (replayed.status_code, error_type(replayed)) == (401, "unable_to_auth_password_reset_token")


def test_a_reset_start_with_bad_input_is_a_stytch_4xx_and_sends_nothing(
    server: KeystileServer, project: Project, smtp_sink: SmtpSink
) -> None:
    enable_sdk(server, project)
    email = new_address("sdk-reset-bad")
    signed_up(server, project, email)
    for body, expected in (
        ({"email": new_address("nobody")}, (404, "email_not_found")),
        ({"email": email, "reset_password_redirect_url": "https://evil.example/x"}, (400, "")),
        ({"email": "not-an-address"}, (400, "invalid_email")),
        ({"reset_password_redirect_url": RESET_URL}, (400, "")),
    ):
        refused = sdk_call(server, "/passwords/email/reset/start", project, body)
        assert refused.status_code == expected[0], (body, refused.text)
        assert refused.json()["error_type"].startswith(expected[1]), refused.text
    assert smtp_sink.received(email) == []
    for body in (
        {"token": "", "password": NEW_PASSWORD},
        {"token": "x" * 44},
        {"token": "x" * 44, "password": 9},
    ):
        assert sdk_call(server, "/passwords/email/reset", project, body).status_code == 400, body


def test_a_password_is_reset_by_the_existing_one(server: KeystileServer, project: Project) -> None:
    enable_sdk(server, project)
    email = new_address("sdk-existing")
    signed_up(server, project, email)
    body = {"email": email, "existing_password": "not-the-password", "new_password": NEW_PASSWORD}
    wrong = sdk_call(server, "/passwords/existing_password/reset", project, body)
    assert (wrong.status_code, error_type(wrong)) == (401, "unauthorized_credentials")
    reset = sdk_call(
        server, "/passwords/existing_password/reset", project, {**body, "existing_password": PASSWORD}
    )
    assert reset.status_code == 200, reset.text
    assert signs_in(server, project, email, NEW_PASSWORD) == "ok"


def test_a_password_is_reset_by_the_callers_session_only(server: KeystileServer, project: Project) -> None:
    enable_sdk(server, project)
    email = new_address("sdk-session-reset")
    session_token = signed_up(server, project, email)["session_token"]
    body = {"password": NEW_PASSWORD, "session_duration_minutes": 60}
    # Without the session (the Basic password is the public token), and with a session in the body
    # (a server-only field a browser may not set): nothing to act on.
    for sent in (body, {**body, "session_token": session_token}):
        refused = sdk_call(server, "/passwords/session/reset", project, sent)
        assert (refused.status_code, error_type(refused)) == (404, "session_not_found")
    assert signs_in(server, project, email, PASSWORD) == "ok"

    reset = sdk_call(server, "/passwords/session/reset", project, body, session_token=session_token)
    assert reset.status_code == 200, reset.text
    assert reset.json()["data"]["session_token"] == session_token
    assert signs_in(server, project, email, NEW_PASSWORD) == "ok"
    empty = sdk_call(
        server, "/passwords/session/reset", project, {"password": ""}, session_token=session_token
    )
    assert empty.status_code == 400
