"""A password login into an organization that requires MFA, completed through the official Python SDK's
`B2BClient` by each second factor: an SMS passcode (read from the loopback SMS provider), a TOTP code
and a recovery code (used once), each into a member session listing both factors. The abuse issue #20
names: the intermediate session used twice, another member's intermediate session (refused, nothing
written, the member's own still usable), a reused recovery code, and wrong email passcodes up to the
member's lockout."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import stytch

from keystile.devtools.sms_sink import SmsSink
from tests.support.b2b_mail import Mailbox, error_of, factor_types, jit_organization, new_domain
from tests.support.otps import emailed_code
from tests.support.password_hashes import imported_hashes
from tests.support.sms_sink import new_phone_number, received_code
from tests.support.smtp_sink import SmtpSink

STRONG = "violet tangerine oboe 71"


def with_password(client: stytch.B2BClient, org: str, email: str) -> str:
    """A new member of `org` whose password is STRONG; its member_id."""
    [argon] = [h for h in imported_hashes(STRONG) if h["hash_type"] == "argon_2i"]
    return str(client.passwords.migrate(email_address=email, organization_id=org, **argon).member_id)


def password_login(client: stytch.B2BClient, org: str, email: str) -> Any:
    """The password login: no member session, an intermediate session that asks for a second factor."""
    answer = client.passwords.authenticate(organization_id=org, email_address=email, password=STRONG)
    assert answer.member_authenticated is False and answer.session_token == "" and answer.session_jwt == ""
    assert answer.member_session is None and answer.mfa_required is not None
    assert answer.intermediate_session_token
    return answer


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_password_then_sms_passcode(b2b_client: stytch.B2BClient, sms_sink: SmsSink) -> None:
    domain = new_domain("pw-sms")
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    ada, grace = f"ada@{domain}", f"grace@{domain}"
    ada_id, grace_id = with_password(b2b_client, org, ada), with_password(b2b_client, org, grace)
    ist = password_login(b2b_client, org, ada).intermediate_session_token
    grace_ist = password_login(b2b_client, org, grace).intermediate_session_token
    phone = new_phone_number()

    # Grace's intermediate session sends nothing for Ada and enrolls no number on her.
    foreign_send = error_of(
        lambda: b2b_client.otps.sms.send(
            organization_id=org,
            member_id=ada_id,
            mfa_phone_number=phone,
            intermediate_session_token=grace_ist,
        )
    )
    assert (foreign_send.status_code, foreign_send.error_type) == (404, "intermediate_session_not_found")
    assert (
        b2b_client.organizations.members.get(organization_id=org, member_id=ada_id).member.mfa_phone_number
        == ""
    )

    b2b_client.otps.sms.send(
        organization_id=org, member_id=ada_id, mfa_phone_number=phone, intermediate_session_token=ist
    )
    code = received_code(sms_sink, phone)
    # Ada's code on Grace's intermediate session completes nothing and uses up neither.
    foreign = error_of(
        lambda: b2b_client.otps.sms.authenticate(
            organization_id=org, member_id=ada_id, code=code, intermediate_session_token=grace_ist
        )
    )
    assert (foreign.status_code, foreign.error_type) == (404, "intermediate_session_not_found")
    assert b2b_client.sessions.get(organization_id=org, member_id=ada_id).member_sessions == []

    done = b2b_client.otps.sms.authenticate(
        organization_id=org, member_id=ada_id, code=code, intermediate_session_token=ist
    )
    assert done.member_id == ada_id and done.session_token and done.session_jwt
    assert factor_types(done) == ["password/knowledge", "otp/sms"]
    assert (done.member.mfa_phone_number, done.member.mfa_phone_number_verified) == (phone, True)
    session = b2b_client.sessions.authenticate(session_token=done.session_token).member_session
    assert [f.type for f in session.authentication_factors] == ["password", "otp"]
    # The intermediate session is used up: the same code on it again is refused, no second session.
    twice = error_of(
        lambda: b2b_client.otps.sms.authenticate(
            organization_id=org, member_id=ada_id, code=code, intermediate_session_token=ist
        )
    )
    assert (twice.status_code, twice.error_type) == (404, "intermediate_session_not_found")
    assert len(b2b_client.sessions.get(organization_id=org, member_id=ada_id).member_sessions) == 1
    # Grace's intermediate session is still hers to complete.
    assert b2b_client.sessions.get(organization_id=org, member_id=grace_id).member_sessions == []
    grace_phone = new_phone_number()
    b2b_client.otps.sms.send(
        organization_id=org,
        member_id=grace_id,
        mfa_phone_number=grace_phone,
        intermediate_session_token=grace_ist,
    )
    finished = b2b_client.otps.sms.authenticate(
        organization_id=org,
        member_id=grace_id,
        code=received_code(sms_sink, grace_phone),
        intermediate_session_token=grace_ist,
    )
    assert finished.member_id == grace_id and factor_types(finished) == ["password/knowledge", "otp/sms"]


def test_password_then_totp_or_a_recovery_code_once(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain("pw-totp")
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    ada, bob = f"ada@{domain}", f"bob@{domain}"
    ada_id, bob_id = with_password(b2b_client, org, ada), with_password(b2b_client, org, bob)

    first = password_login(b2b_client, org, ada).intermediate_session_token
    created = b2b_client.totps.create(organization_id=org, member_id=ada_id, intermediate_session_token=first)
    totp = pyotp.TOTP(created.secret)
    done = b2b_client.totps.authenticate(
        organization_id=org, member_id=ada_id, code=totp.now(), intermediate_session_token=first
    )
    assert done.member_id == ada_id and done.session_token
    assert factor_types(done) == ["password/knowledge", "totp/authenticator_app"]
    assert done.member.default_mfa_method == "totp"

    # A recovery code stands in for the TOTP code once.
    second = password_login(b2b_client, org, ada).intermediate_session_token
    bob_ist = password_login(b2b_client, org, bob).intermediate_session_token
    code = created.recovery_codes[0]
    foreign = error_of(
        lambda: b2b_client.recovery_codes.recover(
            organization_id=org, member_id=ada_id, recovery_code=code, intermediate_session_token=bob_ist
        )
    )
    assert (foreign.status_code, foreign.error_type) == (404, "intermediate_session_not_found")
    assert code in b2b_client.recovery_codes.get(organization_id=org, member_id=ada_id).recovery_codes
    recovered = b2b_client.recovery_codes.recover(
        organization_id=org, member_id=ada_id, recovery_code=code, intermediate_session_token=second
    )
    assert recovered.recovery_codes_remaining == 9
    assert factor_types(recovered) == ["password/knowledge", "recovery_codes/recovery_code"]
    assert code not in b2b_client.recovery_codes.get(organization_id=org, member_id=ada_id).recovery_codes

    third = password_login(b2b_client, org, ada).intermediate_session_token
    reused = error_of(
        lambda: b2b_client.recovery_codes.recover(
            organization_id=org, member_id=ada_id, recovery_code=code, intermediate_session_token=third
        )
    )
    assert (reused.status_code, reused.error_type) == (401, "unable_to_authenticate_recovery_code")
    # The refusal used up nothing: the intermediate session completes with the next TOTP code (the
    # current one was used above).
    by_totp = b2b_client.totps.authenticate(
        organization_id=org,
        member_id=ada_id,
        code=totp.at(time.time() + 30),
        intermediate_session_token=third,
    )
    assert factor_types(by_totp) == ["password/knowledge", "totp/authenticator_app"]
    assert len(b2b_client.recovery_codes.get(organization_id=org, member_id=ada_id).recovery_codes) == 9
    # Bob's intermediate session was left as it was, and completes nothing of Ada's TOTP either.
    assert (
        error_of(
            lambda: b2b_client.totps.authenticate(
                organization_id=org, member_id=ada_id, code=totp.now(), intermediate_session_token=bob_ist
            )
        ).error_type
        == "intermediate_session_not_found"
    )
    assert b2b_client.sessions.get(organization_id=org, member_id=bob_id).member_sessions == []


def test_wrong_email_passcodes_up_to_the_lockout(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    """Five wrong tries spend a code; ten wrong codes lock the member (the kernel's lockout, as for
    consumer passcodes), after which even the right code is refused; the pending member stays pending
    and has no session."""
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain("otp-lock")
    org = jit_organization(b2b_client, domain)
    email = f"lin@{domain}"

    def send() -> str:
        mail.wait_turn(email)
        b2b_client.otps.email.login_or_signup(organization_id=org, email_address=email)
        return emailed_code(smtp_sink, email)

    def attempt(code: str) -> tuple[int, str]:
        refused = error_of(
            lambda: b2b_client.otps.email.authenticate(organization_id=org, email_address=email, code=code)
        )
        return refused.status_code, str(refused.error_type)

    first = send()
    for _ in range(5):
        assert attempt(wrong(first)) == (404, "otp_code_not_found")
    assert attempt(first) == (401, "unable_to_auth_otp_code")
    second = send()
    for _ in range(5):
        assert attempt(wrong(second)) == (404, "otp_code_not_found")
    third = send()
    assert attempt(third) == (401, "user_lock_limit_reached")
    member = b2b_client.organizations.members.get(organization_id=org, email_address=email).member
    assert member.status == "pending"
    assert b2b_client.sessions.get(organization_id=org, member_id=member.member_id).member_sessions == []
