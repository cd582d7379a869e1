"""Detaching a user's factors (password, TOTP, external id) and exchanging its primary factor, through
the official `stytch` Python SDK against a real server."""

from __future__ import annotations

import stytch

from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer

STRONG = "violet tangerine oboe 71"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_delete_password(client: stytch.Client) -> None:
    created = client.passwords.create(email="pw-delete@example.com", password=STRONG)
    user = client.users.get(created.user_id)
    assert user.password is not None
    deleted = client.users.delete_password(user.password.password_id)
    assert deleted.user_id == created.user_id
    assert deleted.user.password is None
    assert deleted.user.emails[0].email == "pw-delete@example.com"
    assert (
        error_type(lambda: client.passwords.authenticate(email="pw-delete@example.com", password=STRONG))
        == "unauthorized_credentials"
    )
    assert error_type(lambda: client.users.delete_password(user.password.password_id)) == (
        "password_not_found"
    )
    assert error_type(lambda: client.users.delete_password(f"password-test-{UNKNOWN}")) == (
        "password_not_found"
    )


def test_delete_totp_and_its_recovery_codes(client: stytch.Client) -> None:
    user = client.users.create(email="totp-delete@example.com")
    totp = client.totps.create(user_id=user.user_id)
    assert [t.totp_id for t in client.users.get(user.user_id).totps] == [totp.totp_id]
    deleted = client.users.delete_totp(totp.totp_id)
    assert deleted.user_id == user.user_id
    assert deleted.user.totps == []
    code = totp.recovery_codes[0]
    assert error_type(lambda: client.totps.recover(user_id=user.user_id, recovery_code=code)) in (
        "totp_not_found",
        "unable_to_authenticate_recovery_code",
    )
    assert error_type(lambda: client.users.delete_totp(totp.totp_id)) == "totp_not_found"


def test_delete_external_id(client: stytch.Client) -> None:
    user = client.users.create(email="ext-delete@example.com", external_id="legacy-7")
    assert client.users.get("legacy-7").user_id == user.user_id
    cleared = client.users.delete_external_id("legacy-7")
    assert cleared.user_id == user.user_id
    assert cleared.user.external_id == ""
    assert error_type(lambda: client.users.get("legacy-7")) == "user_not_found"
    # The id is free again, and the user can still be reached by its user_id.
    client.users.update(user.user_id, external_id="legacy-7")
    assert error_type(lambda: client.users.delete_external_id(f"user-test-{UNKNOWN}")) == "user_not_found"


def test_exchange_primary_factor(client: stytch.Client) -> None:
    user = client.users.create(email="before@example.com")
    to_email = client.users.exchange_primary_factor(user.user_id, email_address="After@Example.com")
    assert to_email.user_id == user.user_id
    assert [(e.email, e.verified) for e in to_email.user.emails] == [("after@example.com", False)]
    to_phone = client.users.exchange_primary_factor(user.user_id, phone_number="+14155550177")
    assert to_phone.user.emails == []
    assert [p.phone_number for p in to_phone.user.phone_numbers] == ["+14155550177"]
    # The old address is free again.
    client.users.create(email="after@example.com")


def test_exchange_primary_factor_refusals(server: KeystileServer, client: stytch.Client) -> None:
    two = client.users.create(email="two@example.com", phone_number="+14155550178")
    taken = client.users.create(email="taken@example.com")
    one = client.users.create(email="one@example.com")
    assert (
        error_type(lambda: client.users.exchange_primary_factor(two.user_id, email_address="x@example.com"))
        == "exchange_requires_one_factor"
    )
    assert (
        error_type(
            lambda: client.users.exchange_primary_factor(one.user_id, email_address="taken@example.com")
        )
        == "duplicate_email"
    )
    assert error_type(lambda: client.users.exchange_primary_factor(one.user_id)) == "invalid_argument"
    assert (
        error_type(
            lambda: client.users.exchange_primary_factor(
                one.user_id, email_address="y@example.com", phone_number="+14155550179"
            )
        )
        == "invalid_argument"
    )
    assert (
        error_type(lambda: client.users.exchange_primary_factor(one.user_id, email_address="not-an-email"))
        == "invalid_email"
    )
    assert (
        error_type(lambda: client.users.exchange_primary_factor(one.user_id, phone_number="12"))
        == "invalid_phone_number"
    )
    assert (
        error_type(
            lambda: client.users.exchange_primary_factor(
                f"user-test-{UNKNOWN}", email_address="z@example.com"
            )
        )
        == "user_not_found"
    )
    # Nothing changed on a refusal.
    assert client.users.get(one.user_id).emails[0].email == "one@example.com"
    assert client.users.get(taken.user_id).emails[0].email == "taken@example.com"
    # Another project's user is an unknown user.
    other = server.create_project()
    stranger = stytch.Client(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    assert (
        error_type(lambda: stranger.users.exchange_primary_factor(one.user_id, email_address="w@example.com"))
        == "user_not_found"
    )
    assert error_type(lambda: stranger.users.delete_external_id(one.user_id)) == "user_not_found"
