"""Stytch's documented sandbox values, through the official Python SDK: in a test project they answer
exactly as Stytch's sandbox does (its fixed ids, statuses, error types, messages and URLs), whatever
well-formed redirect URL a send names, and send nothing; in a live project they are ordinary values."""

from __future__ import annotations

from typing import Any

import pytest
import stytch
from stytch.core.response_base import StytchError

from keystile.b2b.sandbox import SANDBOX_MEMBER_ID, SANDBOX_ORGANIZATION_ID
from keystile.projects.sandbox import (
    NOT_FOUND_TOKEN,
    SANDBOX_CODE,
    SANDBOX_EMAIL,
    SANDBOX_EMAIL_ID,
    SANDBOX_PHONE,
    SANDBOX_PHONE_ID,
    SANDBOX_SESSION_ID,
    SANDBOX_SESSION_TOKEN,
    SANDBOX_USER_ID,
    SESSION_NOT_FOUND_TOKEN,
    SUCCESS_TOKEN,
    UNABLE_TO_AUTH_TOKEN,
)
from tests.support.server import KeystileServer
from tests.support.smtp_sink import SmtpSink

# Not in any project's allowlist: a sandbox send answers whatever well-formed URL it names.
ANYWHERE = "https://anywhere.example/authenticate"
ERRORS = {
    "unable_to_auth_magic_link": (
        401,
        "Magic link could not be authenticated because it was already used or has expired.",
    ),
    "magic_link_not_found": (404, "Magic link could not be found."),
    "session_not_found": (404, "Session could not be found."),
    "invalid_magic_link_url": (400, None),
}


def refused(call: Any, error_type: str) -> None:
    """`call` is refused with Stytch's documented status, error type, message and URL."""
    with pytest.raises(StytchError) as caught:
        call()
    details = caught.value.details
    status, message = ERRORS[error_type]
    assert (details.status_code, details.error_type) == (status, error_type)
    assert details.error_url == f"https://stytch.com/docs/api/errors/{status}#{error_type}"
    if message is not None:
        assert details.error_message == message


def consumer(server: KeystileServer, environment: str) -> stytch.Client:
    project = server.create_project(environment=environment)
    return stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def b2b(server: KeystileServer, environment: str) -> stytch.B2BClient:
    project = server.create_project(vertical="b2b", environment=environment)
    return stytch.B2BClient(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def test_magic_link_sends_answer_the_sandbox_user_for_any_redirect_url(
    server: KeystileServer, smtp_sink: SmtpSink
) -> None:
    client = consumer(server, "test")
    mailed = len(smtp_sink.received(SANDBOX_EMAIL))
    sent = client.magic_links.email.login_or_create(
        email=SANDBOX_EMAIL, login_magic_link_url=ANYWHERE, signup_magic_link_url="myapp://callback"
    )
    assert (sent.status_code, sent.user_id, sent.email_id, sent.user_created) == (
        200,
        SANDBOX_USER_ID,
        SANDBOX_EMAIL_ID,
        False,
    )
    again = client.magic_links.email.send(email=SANDBOX_EMAIL, login_magic_link_url=ANYWHERE)
    assert (again.user_id, again.email_id) == (SANDBOX_USER_ID, SANDBOX_EMAIL_ID)
    invited = client.magic_links.email.invite(email=SANDBOX_EMAIL, invite_magic_link_url=ANYWHERE)
    assert (invited.user_id, invited.email_id) == (SANDBOX_USER_ID, SANDBOX_EMAIL_ID)
    refused(
        lambda: client.magic_links.email.send(email=SANDBOX_EMAIL, login_magic_link_url="not a url"),
        ("invalid_magic_link_url"),
    )
    assert len(smtp_sink.received(SANDBOX_EMAIL)) == mailed
    assert client.users.search(limit=10).results == []


def test_magic_link_tokens_answer_200_401_404(server: KeystileServer) -> None:
    client = consumer(server, "test")
    authenticated = client.magic_links.authenticate(token=SUCCESS_TOKEN, session_duration_minutes=60)
    assert (authenticated.status_code, authenticated.user_id, authenticated.method_id) == (
        200,
        SANDBOX_USER_ID,
        SANDBOX_EMAIL_ID,
    )
    assert authenticated.user.emails[0].email == SANDBOX_EMAIL
    assert authenticated.session_token == SANDBOX_SESSION_TOKEN
    refused(lambda: client.magic_links.authenticate(token=UNABLE_TO_AUTH_TOKEN), "unable_to_auth_magic_link")
    refused(lambda: client.magic_links.authenticate(token=NOT_FOUND_TOKEN), "magic_link_not_found")


def test_passcodes_to_the_sandbox_contacts_authenticate_with_000000(server: KeystileServer) -> None:
    client = consumer(server, "test")
    by_sms = client.otps.sms.send(phone_number=SANDBOX_PHONE)
    by_whatsapp = client.otps.whatsapp.login_or_create(phone_number=SANDBOX_PHONE)
    by_email = client.otps.email.send(email=SANDBOX_EMAIL)
    assert (by_sms.user_id, by_sms.phone_id) == (SANDBOX_USER_ID, SANDBOX_PHONE_ID)
    assert (by_whatsapp.user_id, by_whatsapp.phone_id) == (SANDBOX_USER_ID, SANDBOX_PHONE_ID)
    assert (by_email.user_id, by_email.email_id) == (SANDBOX_USER_ID, SANDBOX_EMAIL_ID)
    for method_id in (by_sms.phone_id, by_email.email_id):
        authenticated = client.otps.authenticate(method_id=method_id, code=SANDBOX_CODE)
        assert (authenticated.status_code, authenticated.user_id, authenticated.method_id) == (
            200,
            SANDBOX_USER_ID,
            method_id,
        )


def test_passwords_for_the_sandbox_email_answer_200_whatever_the_password(server: KeystileServer) -> None:
    client = consumer(server, "test")
    created = client.passwords.create(email=SANDBOX_EMAIL, password="1", session_duration_minutes=60)
    assert (created.status_code, created.user_id, created.email_id) == (
        200,
        SANDBOX_USER_ID,
        SANDBOX_EMAIL_ID,
    )
    assert created.session_token == SANDBOX_SESSION_TOKEN
    checked = client.passwords.authenticate(email=SANDBOX_EMAIL, password="anything at all")
    assert (checked.status_code, checked.user_id, checked.session_token) == (200, SANDBOX_USER_ID, "")
    assert client.users.search(limit=10).results == []


def test_sessions_authenticate_answers_the_sandbox_session(server: KeystileServer) -> None:
    client = consumer(server, "test")
    answer = client.sessions.authenticate(session_token=SANDBOX_SESSION_TOKEN)
    assert (answer.status_code, answer.session_token, answer.user.user_id) == (
        200,
        SANDBOX_SESSION_TOKEN,
        SANDBOX_USER_ID,
    )
    assert (answer.session.session_id, answer.session.user_id) == (SANDBOX_SESSION_ID, SANDBOX_USER_ID)
    # Every sandbox session started at the same time (Stytch's SDK tests check it).
    assert answer.session.started_at is not None
    assert answer.session.started_at.isoformat().startswith("2021-08-28T00:41:59")
    factor = answer.session.authentication_factors[0].email_factor
    assert factor is not None and factor.email_address == SANDBOX_EMAIL
    refused(lambda: client.sessions.authenticate(session_token=SESSION_NOT_FOUND_TOKEN), "session_not_found")


def test_a_live_project_answers_no_sandbox_value(server: KeystileServer) -> None:
    client = consumer(server, "live")
    refused(lambda: client.sessions.authenticate(session_token=SANDBOX_SESSION_TOKEN), "session_not_found")
    refused(lambda: client.magic_links.authenticate(token=SUCCESS_TOKEN), "magic_link_not_found")
    with pytest.raises(StytchError):
        client.passwords.authenticate(email=SANDBOX_EMAIL, password="anything at all")
    refused(
        lambda: client.magic_links.email.login_or_create(email=SANDBOX_EMAIL, login_magic_link_url=ANYWHERE),
        "invalid_magic_link_url",
    )


def test_b2b_sandbox_organization_member_and_tokens(server: KeystileServer, smtp_sink: SmtpSink) -> None:
    client = b2b(server, "test")
    mailed = len(smtp_sink.received(SANDBOX_EMAIL))
    login = client.magic_links.email.login_or_signup(
        organization_id=SANDBOX_ORGANIZATION_ID, email_address=SANDBOX_EMAIL, login_redirect_url=ANYWHERE
    )
    assert (login.status_code, login.member_id, login.organization.organization_id) == (
        200,
        SANDBOX_MEMBER_ID,
        SANDBOX_ORGANIZATION_ID,
    )
    invited = client.magic_links.email.invite(
        organization_id=SANDBOX_ORGANIZATION_ID, email_address=SANDBOX_EMAIL, invite_redirect_url=ANYWHERE
    )
    assert (invited.member_id, invited.member.email_address) == (SANDBOX_MEMBER_ID, SANDBOX_EMAIL)
    discovery = client.magic_links.email.discovery.send(
        email_address=SANDBOX_EMAIL, discovery_redirect_url=ANYWHERE
    )
    assert discovery.status_code == 200
    authenticated = client.magic_links.authenticate(magic_links_token=SUCCESS_TOKEN)
    assert (authenticated.member_id, authenticated.organization_id) == (
        SANDBOX_MEMBER_ID,
        SANDBOX_ORGANIZATION_ID,
    )
    refused(
        lambda: client.magic_links.authenticate(magic_links_token=UNABLE_TO_AUTH_TOKEN),
        "unable_to_auth_magic_link",
    )
    refused(
        lambda: client.magic_links.authenticate(magic_links_token=NOT_FOUND_TOKEN), "magic_link_not_found"
    )
    assert len(smtp_sink.received(SANDBOX_EMAIL)) == mailed


def test_b2b_discovery_tokens_answer_200_401_404(server: KeystileServer) -> None:
    client = b2b(server, "test")
    discovered = client.magic_links.discovery.authenticate(discovery_magic_links_token=SUCCESS_TOKEN)
    assert (discovered.status_code, discovered.email_address) == (200, SANDBOX_EMAIL)
    [found] = discovered.discovered_organizations
    assert found.organization is not None and found.organization.organization_id == SANDBOX_ORGANIZATION_ID
    assert found.membership is not None and found.membership.member is not None
    assert found.membership.member.member_id == SANDBOX_MEMBER_ID
    refused(
        lambda: client.magic_links.discovery.authenticate(discovery_magic_links_token=UNABLE_TO_AUTH_TOKEN),
        "unable_to_auth_magic_link",
    )
    refused(
        lambda: client.magic_links.discovery.authenticate(discovery_magic_links_token=NOT_FOUND_TOKEN),
        "magic_link_not_found",
    )


def test_b2b_live_project_answers_no_sandbox_value(server: KeystileServer) -> None:
    client = b2b(server, "live")
    refused(lambda: client.magic_links.authenticate(magic_links_token=SUCCESS_TOKEN), "magic_link_not_found")
    refused(
        lambda: client.magic_links.discovery.authenticate(discovery_magic_links_token=SUCCESS_TOKEN),
        "magic_link_not_found",
    )
