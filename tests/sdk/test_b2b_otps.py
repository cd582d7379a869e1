"""B2B passcodes through the official Python SDK's `B2BClient`: SMS (read from the loopback Twilio-wire
SMS provider) completes an intermediate session as the second factor and is refused as a primary one;
email passcodes (read from the SMTP sink) log in, honour the organization's auth methods, and discover."""

from __future__ import annotations

import time

import stytch

from keystile.devtools.sms_sink import SmsSink
from tests.support.b2b_mail import Mailbox, error_of, factor_types, jit_organization, new_domain
from tests.support.otps import emailed_code
from tests.support.sms_sink import new_phone_number, received_code
from tests.support.smtp_sink import SmtpSink


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_sms_passcode_completes_mfa_and_is_no_primary_factor(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email, phone = f"ada@{domain}", new_phone_number()
    member_id = b2b_client.organizations.members.create(organization_id=org, email_address=email).member_id
    ist = mail.log_in(org, email).intermediate_session_token

    sent = b2b_client.otps.sms.send(
        organization_id=org, member_id=member_id, mfa_phone_number=phone, intermediate_session_token=ist
    )
    assert (sent.member.mfa_phone_number, sent.member.mfa_phone_number_verified) == (phone, False)
    code = received_code(sms_sink, phone)
    refused = error_of(
        lambda: b2b_client.otps.sms.authenticate(
            organization_id=org, member_id=member_id, code=wrong(code), intermediate_session_token=ist
        )
    )
    assert (refused.status_code, refused.error_type) == (404, "otp_code_not_found")
    alone = error_of(
        lambda: b2b_client.otps.sms.authenticate(organization_id=org, member_id=member_id, code=code)
    )
    assert alone.error_type == "action_available_only_once_primary_authentication_is_met"

    done = b2b_client.otps.sms.authenticate(
        organization_id=org, member_id=member_id, code=code, intermediate_session_token=ist
    )
    assert factor_types(done) == ["magic_link/email", "otp/sms"]
    assert done.member_session.authentication_factors[1].phone_number_factor.phone_number == phone
    assert (done.member.mfa_phone_number_verified, done.member.default_mfa_method) == (True, "sms_otp")
    assert b2b_client.sessions.authenticate(session_token=done.session_token).member.member_id == member_id
    used = error_of(
        lambda: b2b_client.otps.sms.authenticate(
            organization_id=org, member_id=member_id, code=code, intermediate_session_token=ist
        )
    )
    assert used.error_type == "intermediate_session_not_found"

    # Once verified, the number is the member's: sends go to it, and another number is refused.
    other = error_of(
        lambda: b2b_client.otps.sms.send(
            organization_id=org,
            member_id=member_id,
            mfa_phone_number=new_phone_number(),
            session_token=done.session_token,
        )
    )
    assert other.status_code == 400
    b2b_client.otps.sms.send(organization_id=org, member_id=member_id, session_token=done.session_token)
    code = received_code(sms_sink, phone)
    for _ in range(5):
        error_of(
            lambda: b2b_client.otps.sms.authenticate(
                organization_id=org, member_id=member_id, code=wrong(code), session_token=done.session_token
            )
        )
    spent = error_of(
        lambda: b2b_client.otps.sms.authenticate(
            organization_id=org, member_id=member_id, code=code, session_token=done.session_token
        )
    )
    assert (spent.status_code, spent.error_type) == (401, "unable_to_auth_otp_code")


def test_email_passcodes_log_in_and_discover(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    domain = new_domain()
    org = jit_organization(b2b_client, domain)
    email = f"grace@{domain}"
    sent = b2b_client.otps.email.login_or_signup(organization_id=org, email_address=email)
    assert sent.member_created and sent.member.status == "pending"
    code = emailed_code(smtp_sink, email)
    refused = error_of(
        lambda: b2b_client.otps.email.authenticate(organization_id=org, email_address=email, code=wrong(code))
    )
    assert (refused.status_code, refused.error_type) == (404, "otp_code_not_found")
    assert (
        b2b_client.organizations.members.get(organization_id=org, email_address=email).member.status
        == "pending"
    )
    done = b2b_client.otps.email.authenticate(organization_id=org, email_address=email, code=code)
    assert done.member_authenticated and done.member.status == "active" and done.method_id
    assert factor_types(done) == ["otp/email"]

    # Discovery by email passcode, then into the organization.
    time.sleep(1.2)
    b2b_client.otps.email.discovery.send(email_address=email)
    found = b2b_client.otps.email.discovery.authenticate(
        email_address=email, code=emailed_code(smtp_sink, email)
    )
    assert found.email_address == email and found.intermediate_session_token
    assert [d.organization.organization_id for d in found.discovered_organizations] == [org]
    entered = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=found.intermediate_session_token, organization_id=org
    )
    assert entered.member_authenticated and entered.member_id == done.member_id
    assert factor_types(entered) == ["otp/email"]
    assert entered.member_session.authentication_factors[0].email_factor.email_address == email

    # An organization that allows only magic links asks for one after an email passcode.
    strict_domain = new_domain("strict")
    strict = jit_organization(
        b2b_client, strict_domain, auth_methods="RESTRICTED", allowed_auth_methods=["magic_link"]
    )
    lin = f"lin@{strict_domain}"
    b2b_client.otps.email.login_or_signup(organization_id=strict, email_address=lin)
    partial = b2b_client.otps.email.authenticate(
        organization_id=strict, email_address=lin, code=emailed_code(smtp_sink, lin)
    )
    assert not partial.member_authenticated and partial.session_token == ""
    assert partial.primary_required is not None and partial.primary_required.allowed_auth_methods == [
        "magic_link"
    ]
    # Discovery by email passcode shows that organization wanting a magic link still.
    time.sleep(1.2)
    b2b_client.otps.email.discovery.send(email_address=lin)
    listed = b2b_client.otps.email.discovery.authenticate(
        email_address=lin, code=emailed_code(smtp_sink, lin)
    )
    [strict_found] = listed.discovered_organizations
    assert strict_found.primary_required.allowed_auth_methods == ["magic_link"]
    # ... and its intermediate session is no primary authentication for a second factor: no text is
    # sent, and nothing is written.
    refused = error_of(
        lambda: b2b_client.otps.sms.send(
            organization_id=strict,
            member_id=partial.member_id,
            mfa_phone_number=new_phone_number(),
            intermediate_session_token=partial.intermediate_session_token,
        )
    )
    assert (refused.status_code, refused.error_type) == (
        400,
        "action_available_only_once_primary_authentication_is_met",
    )
    unchanged = b2b_client.organizations.members.get(organization_id=strict, member_id=partial.member_id)
    assert unchanged.member.mfa_phone_number == ""


def test_sms_sends_pass_the_toll_fraud_rules(b2b_client: stytch.B2BClient, sms_sink: SmsSink) -> None:
    domain = new_domain()
    org = jit_organization(b2b_client, domain)
    member = b2b_client.organizations.members.create(organization_id=org, email_address=f"ada@{domain}")
    refused = error_of(
        lambda: b2b_client.otps.sms.send(
            organization_id=org, member_id=member.member_id, mfa_phone_number="+2348031234567"
        )
    )
    assert (refused.status_code, refused.error_type) == (400, "invalid_phone_number_country_code")
    unchanged = b2b_client.organizations.members.get(organization_id=org, member_id=member.member_id)
    assert unchanged.member.mfa_phone_number == ""
    missing = error_of(lambda: b2b_client.otps.sms.send(organization_id=org, member_id=member.member_id))
    assert (missing.status_code, missing.error_type) == (404, "member_phone_number_not_found")
