"""L1: a password change, by whichever route, uses up every reset link the user still holds."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import stytch

from tests.support.magic_links import new_address, received_link, token_of
from tests.support.sdk_errors import error_type
from tests.support.smtp_sink import SmtpSink

FIRST = "violet tangerine oboe 71"
SECOND = "copper lantern walrus 28"
THIRD = "maple quiver anchor 53"
Change = Callable[[stytch.Client, SmtpSink, str], None]


def _reset_token(client: stytch.Client, smtp_sink: SmtpSink, email: str) -> str:
    client.passwords.email.reset_start(email=email)
    return token_of(received_link(smtp_sink, email), "reset_password")


def _by_another_reset_link(client: stytch.Client, smtp_sink: SmtpSink, email: str) -> None:
    time.sleep(1.1)  # one reset email per second per address
    client.passwords.email.reset(token=_reset_token(client, smtp_sink, email), password=SECOND)


def _by_existing_password(client: stytch.Client, smtp_sink: SmtpSink, email: str) -> None:
    client.passwords.existing_password.reset(email=email, existing_password=FIRST, new_password=SECOND)


def _by_session(client: stytch.Client, smtp_sink: SmtpSink, email: str) -> None:
    session = client.passwords.authenticate(email=email, password=FIRST, session_duration_minutes=30)
    client.passwords.sessions.reset(password=SECOND, session_token=session.session_token)


@pytest.mark.parametrize(
    "change",
    [_by_another_reset_link, _by_existing_password, _by_session],
    ids=["reset_link", "existing_password", "session"],
)
def test_l1_an_outstanding_reset_token_dies_with_a_password_change(
    client: stytch.Client, smtp_sink: SmtpSink, change: Change
) -> None:
    email = new_address("reset-race")
    client.passwords.create(email=email, password=FIRST)
    earlier = _reset_token(client, smtp_sink, email)

    change(client, smtp_sink, email)

    assert error_type(lambda: client.passwords.email.reset(token=earlier, password=THIRD)) == (
        "unable_to_auth_password_reset_token"
    )
    assert client.passwords.authenticate(email=email, password=SECOND).user_id
    assert error_type(lambda: client.passwords.authenticate(email=email, password=THIRD)) == (
        "unauthorized_credentials"
    )


def test_l1_a_link_sent_after_the_change_still_works(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("reset-after")
    client.passwords.create(email=email, password=FIRST)
    _by_existing_password(client, smtp_sink, email)
    later = _reset_token(client, smtp_sink, email)
    assert client.passwords.email.reset(token=later, password=THIRD).user_id
    assert client.passwords.authenticate(email=email, password=THIRD).user_id
