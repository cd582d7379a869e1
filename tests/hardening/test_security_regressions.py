"""Regression tests for classes of bug seen in Stytch-compatible servers: password-reset takeover by an
address list or an injected second address, an unverified claim on an existing account, session
fixation when a factor is added, and secrets reaching the log."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import stytch

from tests.hardening.conftest import StartServer
from tests.support.limits import assert_stytch_error, call
from tests.support.magic_links import new_address, received_link, token_of
from tests.support.otps import emailed_code
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

PASSWORD = "violet tangerine oboe 71"
ATTACKER_PASSWORD = "horse staple cobalt 9"


def _second_address_tricks(victim: str, attacker: str) -> list[Any]:
    return [
        [victim, attacker],
        f"{victim},{attacker}",
        f"{victim};{attacker}",
        f"{victim} {attacker}",
        f"{victim}\r\nBcc: {attacker}",
        f"{victim}\nCc: {attacker}",
        f'"{victim}" <{attacker}>',
    ]


@pytest.mark.parametrize("path", ["/v1/passwords/email/reset/start", "/v1/magic_links/email/login_or_create"])
def test_no_reset_or_login_mail_reaches_a_second_address(
    server: KeystileServer, project: Project, client: stytch.Client, smtp_sink: SmtpSink, path: str
) -> None:
    victim, attacker = new_address("victim"), new_address("attacker")
    client.passwords.create(email=victim, password=PASSWORD)
    for email in _second_address_tricks(victim, attacker):
        response = call(server, project, path, {"email": email})
        assert 400 <= response.status_code < 500, (email, response.json())
        assert set(response.json()) >= {"error_type", "error_message", "request_id", "status_code"}
    # The outbox delivers in order: once a later message to a control address has arrived, anything
    # queued by the calls above would have arrived too.
    control = new_address("control")
    assert (
        call(server, project, "/v1/magic_links/email/login_or_create", {"email": control}).status_code == 200
    )
    received_link(smtp_sink, control)
    assert smtp_sink.received(attacker) == []
    assert smtp_sink.received(victim) == []


def test_an_unproven_claim_on_an_existing_address_gets_no_access(
    client: stytch.Client, smtp_sink: SmtpSink
) -> None:
    """Signing up with an existing account's address (in any letter case) must not attach a password to
    that account or create a shadow account beside it."""
    victim = new_address("owner")
    client.magic_links.email.login_or_create(email=victim)
    owner = client.magic_links.authenticate(token=token_of(received_link(smtp_sink, victim)))
    for claimed in (victim, victim.upper()):
        assert error_type(lambda c=claimed: client.passwords.create(email=c, password=ATTACKER_PASSWORD)) in (
            "duplicate_email"
        )
        assert error_type(
            lambda c=claimed: client.passwords.authenticate(email=c, password=ATTACKER_PASSWORD)
        ) in {
            "unauthorized_credentials",
            "email_not_found",
            "user_not_found",
        }
    found = client.users.search(
        query={"operator": "AND", "operands": [{"filter_name": "email_address", "filter_value": [victim]}]}
    )
    assert [user.user_id for user in found.results] == [owner.user_id]


def test_adding_a_factor_replaces_the_session_token(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("fixation")
    client.magic_links.email.login_or_create(email=email)
    planted = client.magic_links.authenticate(
        token=token_of(received_link(smtp_sink, email)), session_duration_minutes=30
    )
    sent = client.otps.email.send(email=email)
    upgraded = client.otps.authenticate(
        method_id=sent.email_id, code=emailed_code(smtp_sink, email), session_token=planted.session_token
    )
    assert upgraded.session.session_id == planted.session.session_id
    assert upgraded.session_token != planted.session_token
    assert len(upgraded.session.authentication_factors) == 2
    assert error_type(lambda: client.sessions.authenticate(session_token=planted.session_token)) == (
        "session_not_found"
    )
    assert client.sessions.authenticate(session_token=upgraded.session_token).session.session_id == (
        planted.session.session_id
    )


def test_another_users_factor_cannot_upgrade_a_planted_session(
    client: stytch.Client, smtp_sink: SmtpSink
) -> None:
    attacker, victim = new_address("planter"), new_address("target")
    client.magic_links.email.login_or_create(email=attacker)
    planted = client.magic_links.authenticate(
        token=token_of(received_link(smtp_sink, attacker)), session_duration_minutes=30
    )
    sent = client.otps.email.login_or_create(email=victim)
    code = emailed_code(smtp_sink, victim)
    refused = error_type(
        lambda: client.otps.authenticate(
            method_id=sent.email_id, code=code, session_token=planted.session_token
        )
    )
    assert refused == "user_id_mismatch"
    session = client.sessions.authenticate(session_token=planted.session_token).session
    assert session.user_id == planted.user_id and len(session.authentication_factors) == 1


def test_no_token_secret_code_or_password_reaches_the_log(
    database_url: str, start_server: StartServer, smtp_sink: SmtpSink
) -> None:
    server = start_server(
        database_url,
        KEYSTILE_SMTP_URL=smtp_sink.url,
        KEYSTILE_OUTBOX_POLL_SECONDS="0.1",
        KEYSTILE_LOG_LEVEL="DEBUG",
        KEYSTILE_LOG_FORMAT="json",
    )
    project = server.create_project()
    client = stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )
    email = new_address("logged")
    used: list[str] = [project.secret, PASSWORD, ATTACKER_PASSWORD]

    client.magic_links.email.login_or_create(email=email)
    link_token = token_of(received_link(smtp_sink, email))
    magic = client.magic_links.authenticate(token=link_token, session_duration_minutes=30)
    used += [link_token, magic.session_token, magic.session_jwt]
    sent = client.otps.email.send(email=email)
    code = emailed_code(smtp_sink, email)
    otp = client.otps.authenticate(method_id=sent.email_id, code=code, session_token=magic.session_token)
    used += [code, otp.session_token, otp.session_jwt]
    error_type(lambda: client.otps.authenticate(method_id=sent.email_id, code=code))  # a replay, refused
    client.passwords.create(email=new_address("pw"), password=PASSWORD)
    time.sleep(1.1)  # one password-reset email per second per address
    client.passwords.email.reset_start(email=email)
    reset_token = token_of(received_link(smtp_sink, email), "reset_password")
    reset = client.passwords.email.reset(
        token=reset_token, password=ATTACKER_PASSWORD, session_duration_minutes=30
    )
    used += [reset_token, reset.session_token, reset.session_jwt]
    client.sessions.authenticate(session_token=reset.session_token)
    refused = httpx.post(
        f"{server.base_url}v1/users", json={}, auth=(project.project_id, project.secret + "x")
    )
    assert_stytch_error(refused, 401, "unauthorized_credentials")
    used.append(project.secret + "x")
    server.stop()

    log = server.log_path.read_text()
    leaked = [value for value in used if value and value in log]
    assert leaked == []
    # The 6-digit code could collide with a number in the log; it must at least not follow `code`.
    assert f'"{code}"' not in log
