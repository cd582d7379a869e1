"""A member's lock through the official Python SDK on every engine: too many wrong passwords or TOTP
codes lock the member (the kernel lockout), the Member object shows it (`is_locked`, `lock_created_at`,
`lock_expires_at`) in get, dangerously_get and search, and each of the member's factors is refused
while it lasts, even with the right secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import stytch

from tests.sdk.test_b2b_passwords import OTHER_STRONG, STRONG, member_with_password
from tests.support.b2b_mail import Mailbox, error_of, jit_organization, new_domain
from tests.support.otps import emailed_code
from tests.support.smtp_sink import SmtpSink

THRESHOLD = 10


def test_wrong_passwords_lock_the_member_everywhere(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    domain = new_domain()
    org = jit_organization(b2b_client, domain)
    email = member_with_password(b2b_client, org, "lin")
    members = b2b_client.organizations.members
    member = members.get(organization_id=org, email_address=email).member
    assert (member.is_locked, member.lock_created_at, member.lock_expires_at) == (False, None, None)
    b2b_client.otps.email.login_or_signup(organization_id=org, email_address=email)
    code = emailed_code(smtp_sink, email)

    for _ in range(THRESHOLD):
        wrong = error_of(
            lambda: b2b_client.passwords.authenticate(
                organization_id=org, email_address=email, password=OTHER_STRONG
            )
        )
        assert wrong.error_type == "unauthorized_credentials"
    before = datetime.now(UTC)
    locked = members.get(organization_id=org, member_id=member.member_id).member
    assert locked.is_locked is True
    assert locked.lock_created_at is not None and locked.lock_expires_at is not None
    assert locked.lock_created_at <= before
    assert locked.lock_expires_at - locked.lock_created_at == timedelta(hours=1)
    assert b2b_client.organizations.members.dangerously_get(member_id=member.member_id).member.is_locked
    [found] = b2b_client.organizations.members.search(
        organization_ids=[org],
        query={
            "operator": "AND",
            "operands": [{"filter_name": "member_ids", "filter_value": [member.member_id]}],
        },
    ).members
    assert (found.is_locked, found.lock_expires_at) == (True, locked.lock_expires_at)

    # The right password, and the right emailed code of another factor, are both refused.
    refused = error_of(
        lambda: b2b_client.passwords.authenticate(organization_id=org, email_address=email, password=STRONG)
    )
    assert (refused.status_code, refused.error_type) == (401, "user_lock_limit_reached")
    by_code = error_of(
        lambda: b2b_client.otps.email.authenticate(organization_id=org, email_address=email, code=code)
    )
    assert (by_code.status_code, by_code.error_type) == (401, "user_lock_limit_reached")


def test_wrong_totp_codes_lock_the_members_password(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    """A lock from the second factor refuses the member's password too (one member, one lock)."""
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = member_with_password(b2b_client, org, "ada")
    member_id = b2b_client.organizations.members.get(organization_id=org, email_address=email).member_id
    secret = pyotp.random_base32()
    b2b_client.totps.migrate(organization_id=org, member_id=member_id, secret=secret, recovery_codes=[])
    ist = mail.log_in(org, email).intermediate_session_token
    right = pyotp.TOTP(secret).now()
    for _ in range(THRESHOLD):
        error_of(
            lambda: b2b_client.totps.authenticate(
                organization_id=org,
                member_id=member_id,
                code="000000" if right != "000000" else "111111",
                intermediate_session_token=ist,
            )
        )
    member = b2b_client.organizations.members.get(organization_id=org, member_id=member_id).member
    assert member.is_locked is True
    refused = error_of(
        lambda: b2b_client.passwords.authenticate(organization_id=org, email_address=email, password=STRONG)
    )
    assert (refused.status_code, refused.error_type) == (401, "user_lock_limit_reached")
