"""B2B TOTP and recovery codes through the official Python SDK's `B2BClient`: an organization that
requires MFA gives a magic-link login an intermediate session, which a TOTP code or a recovery code
(used once) completes into a member session with both factors; migrate, get, rotate and the refusals."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import stytch

from tests.support.b2b_mail import Mailbox, error_of, factor_types, jit_organization, new_domain
from tests.support.smtp_sink import SmtpSink


def primary(mail: Mailbox, org: str, email: str) -> Any:
    """A magic-link login into `org`: member_authenticated false, with an intermediate session."""
    answer = mail.log_in(org, email)
    assert answer.member_authenticated is False and answer.session_token == ""
    assert answer.intermediate_session_token and answer.mfa_required is not None
    return answer


def test_totp_completes_mfa_and_recovery_codes_stand_in_once(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = f"ada@{domain}"
    member_id = b2b_client.organizations.members.create(organization_id=org, email_address=email).member_id
    first = primary(mail, org, email)

    created = b2b_client.totps.create(
        organization_id=org, member_id=member_id, intermediate_session_token=first.intermediate_session_token
    )
    assert created.member_id == member_id and created.qr_code.startswith("data:image/png;base64,")
    assert len(created.recovery_codes) == 10 and created.member.totp_registration_id == ""
    totp = pyotp.TOTP(created.secret)

    wrong = error_of(
        lambda: b2b_client.totps.authenticate(
            organization_id=org,
            member_id=member_id,
            code="000000" if totp.now() != "000000" else "111111",
            intermediate_session_token=first.intermediate_session_token,
        )
    )
    assert (wrong.status_code, wrong.error_type) == (401, "unable_to_authenticate_totp")
    done = b2b_client.totps.authenticate(
        organization_id=org,
        member_id=member_id,
        code=totp.now(),
        intermediate_session_token=first.intermediate_session_token,
    )
    assert done.member_id == member_id and done.session_token and done.session_jwt
    assert factor_types(done) == ["magic_link/email", "totp/authenticator_app"]
    totp_factor = done.member_session.authentication_factors[1]
    assert totp_factor.authenticator_app_factor.totp_id == created.totp_registration_id
    assert done.member.totp_registration_id == created.totp_registration_id
    assert done.member.default_mfa_method == "totp"
    assert b2b_client.sessions.authenticate(session_token=done.session_token).member.member_id == member_id
    # The intermediate session is used up, and a verified registration is not replaced.
    reused = error_of(
        lambda: b2b_client.totps.authenticate(
            organization_id=org,
            member_id=member_id,
            code=totp.at(time.time() + 30),
            intermediate_session_token=first.intermediate_session_token,
        )
    )
    assert reused.error_type == "intermediate_session_not_found"
    again = error_of(lambda: b2b_client.totps.create(organization_id=org, member_id=member_id))
    assert (again.status_code, again.error_type) == (400, "active_totp_exists")

    second = primary(mail, org, email)
    recovered = b2b_client.recovery_codes.recover(
        organization_id=org,
        member_id=member_id,
        recovery_code=created.recovery_codes[0],
        intermediate_session_token=second.intermediate_session_token,
    )
    assert recovered.recovery_codes_remaining == 9
    assert factor_types(recovered) == ["magic_link/email", "recovery_codes/recovery_code"]
    third = primary(mail, org, email)
    used = error_of(
        lambda: b2b_client.recovery_codes.recover(
            organization_id=org,
            member_id=member_id,
            recovery_code=created.recovery_codes[0],
            intermediate_session_token=third.intermediate_session_token,
        )
    )
    assert (used.status_code, used.error_type) == (401, "unable_to_authenticate_recovery_code")
    # Nothing was used up by the refusal: the intermediate session still completes with a code.
    assert (
        b2b_client.recovery_codes.recover(
            organization_id=org,
            member_id=member_id,
            recovery_code=created.recovery_codes[1].upper(),
            intermediate_session_token=third.intermediate_session_token,
        ).recovery_codes_remaining
        == 8
    )

    listed = b2b_client.recovery_codes.get(organization_id=org, member_id=member_id)
    assert sorted(listed.recovery_codes) == sorted(created.recovery_codes[2:])
    rotated = b2b_client.recovery_codes.rotate(organization_id=org, member_id=member_id)
    assert len(rotated.recovery_codes) == 10 and not set(rotated.recovery_codes) & set(created.recovery_codes)
    assert sorted(b2b_client.recovery_codes.get(organization_id=org, member_id=member_id).recovery_codes) == (
        sorted(rotated.recovery_codes)
    )

    # A second factor steps up a member session too.
    stepped = b2b_client.recovery_codes.recover(
        organization_id=org,
        member_id=member_id,
        recovery_code=rotated.recovery_codes[0],
        session_token=done.session_token,
    )
    assert stepped.member_session.member_session_id == done.member_session.member_session_id
    assert factor_types(stepped) == [
        "magic_link/email",
        "totp/authenticator_app",
        "recovery_codes/recovery_code",
    ]


def test_second_factors_refused_without_the_members_primary_authentication(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    ada = b2b_client.organizations.members.create(organization_id=org, email_address=f"ada@{domain}")
    secret = pyotp.random_base32()
    migrated = b2b_client.totps.migrate(
        organization_id=org, member_id=ada.member_id, secret=secret, recovery_codes=["AB12-cd34"]
    )
    assert migrated.recovery_codes == ["AB12-cd34"] and migrated.member.totp_registration_id
    code = pyotp.TOTP(secret).now()

    alone = error_of(
        lambda: b2b_client.totps.authenticate(organization_id=org, member_id=ada.member_id, code=code)
    )
    assert (alone.status_code, alone.error_type) == (
        400,
        "action_available_only_once_primary_authentication_is_met",
    )
    # Another member's intermediate session completes nothing of Ada's, and stays usable.
    grace_ist = primary(mail, org, f"grace@{domain}").intermediate_session_token
    foreign = error_of(
        lambda: b2b_client.totps.authenticate(
            organization_id=org, member_id=ada.member_id, code=code, intermediate_session_token=grace_ist
        )
    )
    assert foreign.error_type == "intermediate_session_not_found"
    assert b2b_client.recovery_codes.get(organization_id=org, member_id=ada.member_id).recovery_codes == [
        "AB12-cd34"
    ]
    ist = primary(mail, org, f"ada@{domain}").intermediate_session_token
    done = b2b_client.recovery_codes.recover(
        organization_id=org, member_id=ada.member_id, recovery_code="ab12cd34", intermediate_session_token=ist
    )
    assert done.recovery_codes_remaining == 0 and factor_types(done) == [
        "magic_link/email",
        "recovery_codes/recovery_code",
    ]

    bad = error_of(
        lambda: b2b_client.totps.migrate(
            organization_id=org, member_id=ada.member_id, secret="not base32!", recovery_codes=[]
        )
    )
    assert bad.status_code == 400
    b2b_client.organizations.members.delete_totp(org, ada.member_id)
    assert (
        b2b_client.organizations.members.get(
            organization_id=org, member_id=ada.member_id
        ).member.totp_registration_id
        == ""
    )
    gone = error_of(lambda: b2b_client.recovery_codes.get(organization_id=org, member_id=ada.member_id))
    assert (gone.status_code, gone.error_type) == (404, "totp_not_found")


def test_wrong_codes_lock_the_member(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    """Ten wrong TOTP codes lock the member (the kernel's lockout): the eleventh try is refused even
    with the right code, and the intermediate session is not used up."""
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = f"ada@{domain}"
    member_id = b2b_client.organizations.members.create(organization_id=org, email_address=email).member_id
    secret = pyotp.random_base32()
    b2b_client.totps.migrate(organization_id=org, member_id=member_id, secret=secret, recovery_codes=[])
    ist = mail.log_in(org, email).intermediate_session_token
    right = pyotp.TOTP(secret).now()
    for _ in range(10):
        refused = error_of(
            lambda: b2b_client.totps.authenticate(
                organization_id=org,
                member_id=member_id,
                code="000000" if right != "000000" else "111111",
                intermediate_session_token=ist,
            )
        )
        assert (refused.status_code, refused.error_type) == (401, "unable_to_authenticate_totp")
    locked = error_of(
        lambda: b2b_client.totps.authenticate(
            organization_id=org, member_id=member_id, code=right, intermediate_session_token=ist
        )
    )
    assert (locked.status_code, locked.error_type) == (401, "user_lock_limit_reached")
    assert (
        b2b_client.organizations.members.get(
            organization_id=org, member_id=member_id
        ).member.default_mfa_method
        == ""
    )
