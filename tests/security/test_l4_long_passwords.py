"""L4: long passphrases (over zxcvbn's 72 characters) are judged, set and checked like any other
password, never a 500."""

from __future__ import annotations

import pytest
import stytch

from tests.support.magic_links import new_address, received_link, token_of
from tests.support.smtp_sink import SmtpSink

# Unguessable and long: random words, digits and symbols well past 72 characters.
LONG = {length: ("Quartz!lantern-91 ember#Violet orbit 7 " * 8)[:length] for length in (73, 100, 256)}


@pytest.mark.parametrize("length", sorted(LONG))
def test_l4_long_passwords_create_authenticate_and_check(client: stytch.Client, length: int) -> None:
    password = LONG[length]
    checked = client.passwords.strength_check(password=password)
    assert checked.status_code == 200 and checked.valid_password is True
    email = new_address("long")
    created = client.passwords.create(email=email, password=password, session_duration_minutes=60)
    assert created.user_id
    assert client.passwords.authenticate(email=email, password=password).user_id == created.user_id


def test_l4_long_passwords_reset_by_email_and_existing_password(
    client: stytch.Client, smtp_sink: SmtpSink
) -> None:
    email = new_address("long-reset")
    client.passwords.create(email=email, password=LONG[100])
    changed = client.passwords.existing_password.reset(
        email=email, existing_password=LONG[100], new_password=LONG[256]
    )
    assert changed.user_id
    client.passwords.email.reset_start(email=email)
    token = token_of(received_link(smtp_sink, email), "reset_password")
    assert client.passwords.email.reset(token=token, password=LONG[73]).user_id == changed.user_id
    assert client.passwords.authenticate(email=email, password=LONG[73]).user_id == changed.user_id
