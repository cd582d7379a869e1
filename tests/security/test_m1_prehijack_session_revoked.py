"""M1: whoever registered an address with a password before its owner proved it keeps no session once
the owner verifies the address by magic link or passcode; the password must then be reset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import stytch

from tests.support.magic_links import new_address, received_link, token_of
from tests.support.otps import emailed_code
from tests.support.sdk_errors import error_type
from tests.support.smtp_sink import SmtpSink

ATTACKER_PASSWORD = "attacker knows this 1!Z"
Login = Callable[[stytch.Client, SmtpSink, str], Any]


def _by_magic_link(client: stytch.Client, smtp_sink: SmtpSink, email: str) -> Any:
    client.magic_links.email.login_or_create(email=email)
    token = token_of(received_link(smtp_sink, email))
    return client.magic_links.authenticate(token=token, session_duration_minutes=60)


def _by_email_passcode(client: stytch.Client, smtp_sink: SmtpSink, email: str) -> Any:
    sent = client.otps.email.login_or_create(email=email)
    code = emailed_code(smtp_sink, email)
    return client.otps.authenticate(method_id=sent.email_id, code=code, session_duration_minutes=60)


@pytest.mark.parametrize("owner_login", [_by_magic_link, _by_email_passcode], ids=["magic_link", "otp"])
def test_m1_the_owners_first_verification_ends_the_squatters_session(
    client: stytch.Client, smtp_sink: SmtpSink, owner_login: Login
) -> None:
    victim = new_address("prehijack")
    squatter = client.passwords.create(
        email=victim, password=ATTACKER_PASSWORD, session_duration_minutes=527040
    )
    assert client.sessions.authenticate(session_token=squatter.session_token).user.user_id == squatter.user_id

    owner = owner_login(client, smtp_sink, victim)
    assert owner.user_id == squatter.user_id and owner.user.emails[0].verified is True

    # The squatter's session is gone, by token and by JWT; the owner's new one works.
    assert error_type(lambda: client.sessions.authenticate(session_token=squatter.session_token)) == (
        "session_not_found"
    )
    assert error_type(lambda: client.sessions.authenticate(session_jwt=squatter.session_jwt)) == (
        "session_not_found"
    )
    assert client.sessions.authenticate(session_token=owner.session_token).user.user_id == owner.user_id
    assert [s.session_id for s in client.sessions.get(user_id=owner.user_id).sessions] == [
        owner.session.session_id
    ]
    # The squatter's password stays flagged: it opens nothing until the owner resets it.
    assert client.users.get(owner.user_id).password.requires_reset is True
    assert error_type(lambda: client.passwords.authenticate(email=victim, password=ATTACKER_PASSWORD)) == (
        "reset_password"
    )


def test_m1_a_later_login_leaves_the_owners_other_sessions_alone(
    client: stytch.Client, smtp_sink: SmtpSink
) -> None:
    email = new_address("returning")
    first = _by_magic_link(client, smtp_sink, email)
    second = _by_email_passcode(client, smtp_sink, email)
    for session in (first, second):
        assert client.sessions.authenticate(session_token=session.session_token).user.user_id == first.user_id
