"""Consumer one-time passcodes through the official Python SDK against a real server: email codes read
from the real SMTP sink, SMS and WhatsApp codes from the loopback Twilio-compatible provider, the
attempt limits and the user lock, the toll-fraud limits, and hostile input."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
import stytch
from sqlalchemy import update

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.delivery.tollfraud import DEFAULT_POLICY, TextPolicy, set_text_policy
from keystile.devtools.sms_sink import SmsSink
from keystile.factors.otp.models import OtpCode
from tests.support.hostile import assert_stytch_error
from tests.support.magic_links import new_address, received_link, token_of
from tests.support.otps import CODE, emailed_code, error_types, race
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.sms_sink import new_phone_number, received_code
from tests.support.smtp_sink import SmtpSink, body_text

NIGERIA = "+2348031234567"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def set_policy(server: KeystileServer, project: Project, **changes: Any) -> None:
    """Change the project's SMS policy directly in the server's database (as the CLI does)."""
    policy = TextPolicy(**{**DEFAULT_POLICY.__dict__, **changes})
    run_in_transaction(
        Settings(database_url=server.database_url),
        lambda db: set_text_policy(db, project.project_id, policy, now=SystemClock().now()),
    )


def test_email_passcode_login(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("otp")
    sent = client.otps.email.login_or_create(email=email)
    assert sent.user_created is True and sent.email_id.startswith("email-test-")
    message = smtp_sink.wait_for(email, timeout=15)
    code = CODE.search(body_text(message))
    assert code is not None and code.group(1) not in str(message["Subject"])

    auth = client.otps.authenticate(method_id=sent.email_id, code=code.group(1), session_duration_minutes=60)
    assert (auth.user_id, auth.method_id) == (sent.user_id, sent.email_id)
    assert auth.user.emails[0].verified is True and auth.user.status == "active"
    assert auth.session is not None
    [factor] = auth.session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("otp", "email")
    assert factor.email_factor is not None and factor.email_factor.email_address == email
    assert client.sessions.authenticate(session_token=auth.session_token).user.user_id == sent.user_id

    # Single use; a returning user gets a new code, and the old one stays dead.
    again = lambda: client.otps.authenticate(method_id=sent.email_id, code=code.group(1))  # noqa: E731
    assert error_type(again) == "unable_to_auth_otp_code"
    time.sleep(1.1)
    returning = client.otps.email.login_or_create(email=email)
    assert (returning.user_id, returning.user_created) == (sent.user_id, False)
    second = emailed_code(smtp_sink, email)
    assert client.otps.authenticate(method_id=sent.email_id, code=second).session_token == ""


def test_sms_and_whatsapp_passcodes_through_the_provider(client: stytch.Client, sms_sink: SmsSink) -> None:
    phone = new_phone_number()
    formatted = f"+1 ({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    sent = client.otps.sms.login_or_create(phone_number=formatted)
    assert sent.user_created is True and sent.phone_id.startswith("phone-number-test-")
    message = sms_sink.wait_for(phone, timeout=15)
    assert (message.channel, message.from_number) == ("sms", "+15005550006")
    code = CODE.search(message.body)
    assert code is not None

    auth = client.otps.authenticate(method_id=sent.phone_id, code=code.group(1), session_duration_minutes=60)
    assert auth.user.phone_numbers[0].phone_number == phone
    assert auth.user.phone_numbers[0].verified is True
    assert auth.session is not None
    [factor] = auth.session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("otp", "sms")
    assert factor.phone_number_factor is not None
    assert (factor.phone_number_factor.phone_id, factor.phone_number_factor.phone_number) == (
        sent.phone_id,
        phone,
    )

    by_whatsapp = client.otps.whatsapp.send(phone_number=phone)
    assert (by_whatsapp.user_id, by_whatsapp.phone_id) == (sent.user_id, sent.phone_id)
    message = sms_sink.wait_for(phone, timeout=15)
    assert message.channel == "whatsapp"
    code = CODE.search(message.body)
    assert code is not None
    auth = client.otps.authenticate(
        method_id=sent.phone_id, code=code.group(1), session_token=auth.session_token
    )
    assert auth.session is not None
    assert [f.delivery_method for f in auth.session.authentication_factors] == ["sms", "whatsapp"]


def test_a_magic_link_session_gains_a_passcode_factor_and_a_new_phone(
    client: stytch.Client, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    email, phone = new_address("mfa"), new_phone_number()
    client.magic_links.email.login_or_create(email=email)
    first = client.magic_links.authenticate(
        token=token_of(received_link(smtp_sink, email)), session_duration_minutes=60
    )
    assert error_type(lambda: client.otps.sms.send(phone_number=phone)) == "phone_number_not_found"

    sent = client.otps.sms.send(phone_number=phone, session_token=first.session_token)
    assert sent.user_id == first.user_id
    # Not the user's until the code proves the phone is theirs.
    assert client.users.get(first.user_id).phone_numbers == []
    auth = client.otps.authenticate(
        method_id=sent.phone_id, code=received_code(sms_sink, phone), session_token=first.session_token
    )
    assert auth.session is not None and auth.session.session_id == first.session.session_id  # type: ignore[union-attr]
    assert [(f.type, f.delivery_method) for f in auth.session.authentication_factors] == [
        ("magic_link", "email"),
        ("otp", "sms"),
    ]
    assert [(p.phone_id, p.phone_number, p.verified) for p in auth.user.phone_numbers] == [
        (sent.phone_id, phone, True)
    ]
    # The session's token was replaced when it gained the factor (no fixation).
    assert auth.session_token != first.session_token
    assert error_type(lambda: client.sessions.authenticate(session_token=first.session_token)) == (
        "session_not_found"
    )
    local = client.sessions.authenticate_jwt_local(session_jwt=auth.session_jwt)
    assert local is not None and len(local.authentication_factors) == 2

    other = client.users.create(email=new_address("other"))
    assert error_type(lambda: client.otps.sms.send(phone_number=phone, user_id=other.user_id)) == (
        "duplicate_phone_number"
    )


def test_five_wrong_tries_burn_a_code_and_ten_failures_lock_the_user(
    client: stytch.Client, sms_sink: SmsSink
) -> None:
    phone = new_phone_number()
    sent = client.otps.sms.login_or_create(phone_number=phone)
    code = received_code(sms_sink, phone)
    for _ in range(5):
        assert error_type(lambda: client.otps.authenticate(method_id=sent.phone_id, code=wrong(code))) == (
            "otp_code_not_found"
        )
    # The sixth try is refused even with the right code.
    assert error_type(lambda: client.otps.authenticate(method_id=sent.phone_id, code=code)) == (
        "unable_to_auth_otp_code"
    )
    assert client.users.get(sent.user_id).is_locked is False

    client.otps.sms.send(phone_number=phone)
    code = received_code(sms_sink, phone)
    for _ in range(5):
        client_error = error_type(lambda: client.otps.authenticate(method_id=sent.phone_id, code=wrong(code)))
        assert client_error == "otp_code_not_found"
    # Ten failures within the hour: the user is locked, whatever code comes next.
    assert error_type(lambda: client.otps.authenticate(method_id=sent.phone_id, code=code)) == (
        "user_lock_limit_reached"
    )
    user = client.users.get(sent.user_id)
    assert user.is_locked is True
    assert user.lock_created_at is not None and user.lock_expires_at is not None
    assert abs((user.lock_expires_at - user.lock_created_at) - timedelta(hours=1)) < timedelta(seconds=2)


def test_concurrent_tries_never_exceed_the_limits(
    client: stytch.Client, server: KeystileServer, project: Project, smtp_sink: SmtpSink
) -> None:
    email = new_address("race")
    sent = client.otps.email.login_or_create(email=email)
    code = emailed_code(smtp_sink, email)
    guesses = [{"method_id": sent.email_id, "code": f"{n:06d}"} for n in range(30) if f"{n:06d}" != code]
    # Thirty guesses at once still get five tries between them.
    outcomes = error_types(race(server, project, "/v1/otps/authenticate", guesses[:25]))
    assert outcomes == ["otp_code_not_found"] * 5 + ["unable_to_auth_otp_code"] * 20

    time.sleep(1.1)
    client.otps.email.send(email=email)
    code = emailed_code(smtp_sink, email)
    right = {"method_id": sent.email_id, "code": code, "session_duration_minutes": 5}
    outcomes = error_types(race(server, project, "/v1/otps/authenticate", [right] * 20))
    assert outcomes == ["ok"] + ["unable_to_auth_otp_code"] * 19
    assert len(client.sessions.get(user_id=sent.user_id).sessions) == 1


def test_expired_codes_and_expiry_bounds(
    client: stytch.Client, server: KeystileServer, smtp_sink: SmtpSink
) -> None:
    email = new_address("expired")
    for minutes in (0, 11):
        assert error_type(
            lambda m=minutes: client.otps.email.login_or_create(email=email, expiration_minutes=m)  # type: ignore[misc]
        ) == ("invalid_expiration_otp")
    sent = client.otps.email.login_or_create(email=email, expiration_minutes=10)
    code = emailed_code(smtp_sink, email)

    def expire(db: Any) -> Any:
        return db.execute(
            update(OtpCode)
            .where(OtpCode.method_id == sent.email_id)
            .values(expires_at=SystemClock().now() - timedelta(seconds=1))
        )

    run_in_transaction(Settings(database_url=server.database_url), expire)
    assert error_type(lambda: client.otps.authenticate(method_id=sent.email_id, code=code)) == (
        "unable_to_auth_otp_code"
    )


def test_phone_numbers_are_parsed_strictly(client: stytch.Client) -> None:
    for bad in ("12025550123", "+1 555", "+1202555012345678", "+999123456789", "phone", "+1\x002025550123"):
        assert error_type(lambda b=bad: client.otps.sms.login_or_create(phone_number=b)) == (  # type: ignore[misc]
            "invalid_phone_number"
        )


def test_a_blocked_country_is_refused_until_the_project_allows_it(
    client: stytch.Client, server: KeystileServer, project: Project, sms_sink: SmsSink
) -> None:
    for send in (client.otps.sms.login_or_create, client.otps.whatsapp.login_or_create):
        assert error_type(lambda s=send: s(phone_number=NIGERIA)) == "invalid_phone_number_country_code"  # type: ignore[misc]
    assert (
        client.users.search(
            query={
                "operator": "AND",
                "operands": [{"filter_name": "phone_number", "filter_value": [NIGERIA]}],
            }
        ).results
        == []
    )

    done = server.cli("sms", "policy", project.project_id, "--country", "US", "--country", "ng", "--json")
    assert done.returncode == 0, done.stderr
    assert '"allowed_countries": ["NG", "US"]' in done.stdout
    sent = client.otps.sms.login_or_create(phone_number=NIGERIA)
    assert CODE.search(sms_sink.wait_for(NIGERIA, timeout=15).body)
    assert error_type(lambda: client.otps.sms.send(phone_number="+447911123456")) == (
        "invalid_phone_number_country_code"
    )
    assert sent.user_created is True


def test_sends_per_phone_are_limited(client: stytch.Client, sms_sink: SmsSink) -> None:
    phone = new_phone_number()
    for _ in range(DEFAULT_POLICY.per_phone_per_hour):
        client.otps.sms.login_or_create(phone_number=phone)
    assert error_type(lambda: client.otps.whatsapp.send(phone_number=phone)) == "too_many_requests"
    for _ in range(DEFAULT_POLICY.per_phone_per_hour):
        sms_sink.wait_for(phone, timeout=15)
    time.sleep(0.5)
    assert len(sms_sink.messages(phone)) == DEFAULT_POLICY.per_phone_per_hour


def test_sends_per_ip_and_the_project_budget_are_limited(
    client: stytch.Client, server: KeystileServer, project: Project, sms_sink: SmsSink
) -> None:
    set_policy(server, project, per_ip_per_hour=2, project_per_hour=4)
    phones = [new_phone_number() for _ in range(6)]

    def send(phone: str, ip: str) -> object:
        return client.otps.sms.login_or_create(phone_number=phone, attributes={"ip_address": ip})

    send(phones[0], "2001:db8::1")
    send(phones[1], "2001:db8::2")  # the same /64
    assert error_type(lambda: send(phones[2], "2001:db8:0:0:ffff::3")) == "too_many_requests"
    send(phones[2], "198.51.100.7")
    send(phones[3], "198.51.100.8")
    # Four messages this hour: the project's budget is spent, whoever asks.
    assert error_type(lambda: send(phones[4], "203.0.113.9")) == "too_many_requests"
    assert error_type(lambda: client.otps.sms.login_or_create(phone_number=phones[5])) == "too_many_requests"
    assert error_type(lambda: send(phones[5], "not-an-ip")) == "invalid_ip_address"
    for phone in phones[:4]:
        sms_sink.wait_for(phone, timeout=15)
    time.sleep(0.5)
    assert [len(sms_sink.messages(phone)) for phone in phones] == [1, 1, 1, 1, 0, 0]
    # Email passcodes are not texts: the budget does not apply to them.
    client.otps.email.login_or_create(email=new_address("budget"))


def test_sandbox_values(client: stytch.Client, sms_sink: SmsSink) -> None:
    sent = client.otps.sms.send(phone_number="+10000000000")
    auth = client.otps.authenticate(method_id=sent.phone_id, code="000000", session_duration_minutes=5)
    assert auth.user_id == sent.user_id and auth.session is not None
    assert sms_sink.messages("+10000000000") == []
    by_email = client.otps.email.login_or_create(email="sandbox@stytch.com")
    assert error_type(lambda: client.otps.authenticate(method_id=by_email.email_id, code="123456")) == (
        "otp_code_not_found"
    )
    assert client.otps.authenticate(method_id=by_email.email_id, code="000000").user_id == by_email.user_id


def test_projects_share_no_codes_and_no_users(
    client: stytch.Client, server: KeystileServer, smtp_sink: SmtpSink
) -> None:
    email = new_address("isolated")
    sent = client.otps.email.login_or_create(email=email)
    code = emailed_code(smtp_sink, email)
    elsewhere = server.create_project()
    other = stytch.Client(
        elsewhere.project_id, elsewhere.secret, environment=server.base_url, suppress_warnings=True
    )
    assert error_type(lambda: other.otps.authenticate(method_id=sent.email_id, code=code)) == (
        "otp_code_not_found"
    )
    assert error_type(lambda: other.totps.create(user_id=sent.user_id)) == "user_not_found"
    assert client.otps.authenticate(method_id=sent.email_id, code=code).user_id == sent.user_id


def test_send_needs_a_known_contact_or_a_named_user(client: stytch.Client) -> None:
    assert error_type(lambda: client.otps.email.send(email=new_address("nobody"))) == "email_not_found"
    assert error_type(lambda: client.otps.sms.send(phone_number=new_phone_number())) == (
        "phone_number_not_found"
    )
    assert error_type(
        lambda: client.otps.sms.send(
            phone_number=new_phone_number(), user_id="user-test-00000000-0000-4000-8000-000000000000"
        )
    ) == ("user_not_found")
    assert error_type(
        lambda: client.otps.authenticate(
            method_id="email-test-00000000-0000-4000-8000-000000000000", code="123456"
        )
    ) == ("otp_code_not_found")


HOSTILE = [
    ("/v1/otps/email/login_or_create", {}),
    ("/v1/otps/email/login_or_create", {"email": ["a@example.com"]}),
    ("/v1/otps/email/login_or_create", {"email": "a@example.com", "expiration_minutes": "2"}),
    ("/v1/otps/email/send", {"email": "a@example.com\r\nBcc: x@example.com"}),
    ("/v1/otps/sms/login_or_create", {"phone_number": 12025550123}),
    ("/v1/otps/sms/login_or_create", {"phone_number": "+1" + "2" * 5000}),
    ("/v1/otps/sms/login_or_create", {"phone_number": "+12025550123", "attributes": ["1.2.3.4"]}),
    ("/v1/otps/sms/login_or_create", {"phone_number": "+12025550123", "attributes": {"ip_address": 7}}),
    ("/v1/otps/sms/send", {"phone_number": "+12025550123", "session_token": "x" * 5000}),
    ("/v1/otps/whatsapp/send", {"phone_number": "'; DROP TABLE users; --"}),
    ("/v1/otps/whatsapp/login_or_create", {"phone_number": None}),
    ("/v1/otps/authenticate", {"method_id": "../../etc/passwd", "code": "123456"}),
    ("/v1/otps/authenticate", {"method_id": "email-test-x", "code": 123456}),
    ("/v1/otps/authenticate", {"method_id": "email-test-x", "code": "12345a"}),
    ("/v1/otps/authenticate", {"method_id": "email-test-x", "code": "\uff11\uff12\uff13\uff14\uff15\uff16"}),
    (
        "/v1/otps/authenticate",
        {"method_id": "email-test-x", "code": "123456", "options": {"ip_match_required": True}},
    ),
    ("/v1/otps/authenticate", {"method_id": "email-test-x", "code": "123456", "session_duration_minutes": 1}),
]


@pytest.mark.parametrize(("path", "body"), HOSTILE, ids=[f"{p}-{i}" for i, (p, _) in enumerate(HOSTILE)])
def test_hostile_input_is_a_4xx_in_stytch_shape(api: httpx.Client, path: str, body: dict[str, Any]) -> None:
    """Each answer is Stytch's error JSON; the server logs no traceback and no secret (see `api`)."""
    assert_stytch_error(api.post(path, json=body))
