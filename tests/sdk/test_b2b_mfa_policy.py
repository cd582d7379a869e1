"""Organizations' MFA and auth-method policies through the official Python SDK's `B2BClient`: a member
whose MFA goes by SMS gets a code texted on primary authentication (`secondary_auth_initiated`), an
organization's `mfa_methods` restrict the second factors, an optional policy follows the member's own
enrollment, and an intermediate session carries every factor into the member session."""

from __future__ import annotations

import pyotp
import stytch

from keystile.devtools.sms_sink import SmsSink
from tests.support.b2b_mail import Mailbox, error_of, factor_types, jit_organization, new_domain
from tests.support.otps import emailed_code
from tests.support.sms_sink import new_phone_number, received_code
from tests.support.smtp_sink import SmtpSink


def enroll_phone(client: stytch.B2BClient, sms: SmsSink, org: str, member_id: str, ist: str) -> str:
    """Give the member a verified MFA phone number by completing its first MFA; returns the number."""
    phone = new_phone_number()
    client.otps.sms.send(
        organization_id=org, member_id=member_id, mfa_phone_number=phone, intermediate_session_token=ist
    )
    client.otps.sms.authenticate(
        organization_id=org,
        member_id=member_id,
        code=received_code(sms, phone),
        intermediate_session_token=ist,
    )
    return phone


def test_a_code_is_texted_on_login_when_mfa_goes_by_sms(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = f"ada@{domain}"
    member_id = b2b_client.organizations.members.create(organization_id=org, email_address=email).member_id
    first = mail.log_in(org, email)
    assert first.mfa_required.member_options is None and first.mfa_required.secondary_auth_initiated is None
    phone = enroll_phone(b2b_client, sms_sink, org, member_id, first.intermediate_session_token)

    again = mail.log_in(org, email)
    assert again.member_authenticated is False
    assert again.mfa_required.secondary_auth_initiated == "sms_otp"
    assert again.mfa_required.member_options.mfa_phone_number == phone
    done = b2b_client.otps.sms.authenticate(
        organization_id=org,
        member_id=member_id,
        code=received_code(sms_sink, phone),
        intermediate_session_token=again.intermediate_session_token,
    )
    assert factor_types(done) == ["magic_link/email", "otp/sms"]


def test_mfa_methods_restrict_the_second_factors(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(
        b2b_client,
        domain,
        mfa_policy="REQUIRED_FOR_ALL",
        mfa_methods="RESTRICTED",
        allowed_mfa_methods=["totp"],
    )
    email = f"ada@{domain}"
    member_id = b2b_client.organizations.members.create(organization_id=org, email_address=email).member_id
    ist = mail.log_in(org, email).intermediate_session_token
    refused = error_of(
        lambda: b2b_client.otps.sms.send(
            organization_id=org,
            member_id=member_id,
            mfa_phone_number=new_phone_number(),
            intermediate_session_token=ist,
        )
    )
    assert (refused.status_code, refused.error_type) == (403, "mfa_method_not_allowed")
    assert (
        b2b_client.organizations.members.get(organization_id=org, member_id=member_id).member.mfa_phone_number
        == ""
    )
    created = b2b_client.totps.create(
        organization_id=org, member_id=member_id, intermediate_session_token=ist
    )
    done = b2b_client.totps.authenticate(
        organization_id=org,
        member_id=member_id,
        code=pyotp.TOTP(created.secret).now(),
        intermediate_session_token=ist,
    )
    assert factor_types(done) == ["magic_link/email", "totp/authenticator_app"]


def test_an_optional_policy_follows_the_members_enrollment(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain)
    email = f"ada@{domain}"
    member_id = b2b_client.organizations.members.create(organization_id=org, email_address=email).member_id
    session = mail.log_in(org, email)
    assert session.member_authenticated
    created = b2b_client.totps.create(
        organization_id=org, member_id=member_id, session_token=session.session_token
    )
    secret = created.secret
    stepped = b2b_client.totps.authenticate(
        organization_id=org,
        member_id=member_id,
        code=pyotp.TOTP(secret).now(),
        session_token=session.session_token,
        set_mfa_enrollment="enroll",
    )
    assert stepped.member.mfa_enrolled and factor_types(stepped) == [
        "magic_link/email",
        "totp/authenticator_app",
    ]
    enrolled = mail.log_in(org, email)
    assert enrolled.member_authenticated is False and enrolled.mfa_required is not None
    assert enrolled.mfa_required.member_options.totp_registration_id == created.totp_registration_id
    assert enrolled.mfa_required.secondary_auth_initiated is None


def test_an_intermediate_session_carries_every_factor(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    """An organization allowing only magic links answers an email passcode with primary_required; the
    magic link that follows, with that intermediate session, opens a session listing both factors."""
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, auth_methods="RESTRICTED", allowed_auth_methods=["magic_link"])
    email = f"ada@{domain}"
    b2b_client.organizations.members.create(organization_id=org, email_address=email)
    mail.wait_turn(email)
    b2b_client.otps.email.login_or_signup(organization_id=org, email_address=email)
    partial = b2b_client.otps.email.authenticate(
        organization_id=org, email_address=email, code=emailed_code(smtp_sink, email)
    )
    assert partial.primary_required.allowed_auth_methods == ["magic_link"]
    done = b2b_client.magic_links.authenticate(
        magic_links_token=mail.login_token(org, email),
        intermediate_session_token=partial.intermediate_session_token,
    )
    assert done.member_authenticated and factor_types(done) == ["otp/email", "magic_link/email"]


def test_a_member_with_a_second_factor_adds_another_only_with_it_proven(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    """Whoever passed the primary factor alone cannot enroll their own TOTP (or phone) to skip the
    member's SMS (or TOTP) second factor."""
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = f"ada@{domain}"
    member_id = b2b_client.organizations.members.create(organization_id=org, email_address=email).member_id
    phone = enroll_phone(
        b2b_client, sms_sink, org, member_id, mail.log_in(org, email).intermediate_session_token
    )

    primary_only = mail.log_in(org, email)
    received_code(sms_sink, phone)  # texted on the way in
    refused = error_of(
        lambda: b2b_client.totps.create(
            organization_id=org,
            member_id=member_id,
            intermediate_session_token=primary_only.intermediate_session_token,
        )
    )
    assert (refused.status_code, refused.error_type) == (403, "mfa_factor_required")
    assert error_of(
        lambda: b2b_client.recovery_codes.get(organization_id=org, member_id=member_id)
    ).error_type == ("totp_not_found")
    other = error_of(
        lambda: b2b_client.otps.sms.send(
            organization_id=org,
            member_id=member_id,
            mfa_phone_number=new_phone_number(),
            intermediate_session_token=primary_only.intermediate_session_token,
        )
    )
    assert other.status_code == 400
    # With the SMS factor proven, the TOTP may be added.
    b2b_client.otps.sms.send(
        organization_id=org,
        member_id=member_id,
        intermediate_session_token=primary_only.intermediate_session_token,
    )
    done = b2b_client.otps.sms.authenticate(
        organization_id=org,
        member_id=member_id,
        code=received_code(sms_sink, phone),
        intermediate_session_token=primary_only.intermediate_session_token,
    )
    created = b2b_client.totps.create(
        organization_id=org, member_id=member_id, session_token=done.session_token
    )
    assert created.totp_registration_id


def test_a_text_the_toll_fraud_rules_refuse_does_not_stop_the_login(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = f"ada@{domain}"
    b2b_client.organizations.members.create(
        organization_id=org, email_address=email, mfa_phone_number="+2348031234567"
    )
    entry = mail.log_in(org, email)
    assert entry.member_authenticated is False and entry.intermediate_session_token
    assert entry.mfa_required.member_options.mfa_phone_number == "+2348031234567"
    assert entry.mfa_required.secondary_auth_initiated is None
