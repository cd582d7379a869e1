"""The smaller B2B organization and member routes through the official Python SDK's `B2BClient`:
organization metrics, external ids cleared, and a member's MFA phone number, TOTP and password deleted
(as the backend and as member sessions of each role)."""

from __future__ import annotations

import stytch
from stytch.b2b.models.organizations_members import (
    DeleteMFAPhoneNumberRequestOptions,
    DeletePasswordRequestOptions,
    DeleteTOTPRequestOptions,
)
from stytch.shared.method_options import Authorization

from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.server import KeystileServer
from tests.support.smtp_sink import SmtpSink


def open_organization(client: stytch.B2BClient, domain: str, **settings: object) -> str:
    """An organization that lets anyone of `domain` in by email."""
    created = client.organizations.create(
        organization_name=domain,
        email_jit_provisioning="RESTRICTED",
        email_allowed_domains=[domain],
        **settings,  # type: ignore[arg-type]
    )
    return str(created.organization.organization_id)


def test_organization_metrics_count_members_that_are_not_deleted(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain()
    org = open_organization(b2b_client, domain)
    assert b2b_client.organizations.metrics(org).member_count == 0
    ids = [
        b2b_client.organizations.members.create(organization_id=org, email_address=f"m{i}@{domain}").member_id
        for i in range(3)
    ]
    b2b_client.organizations.members.delete(organization_id=org, member_id=ids[0])
    assert b2b_client.organizations.metrics(org).member_count == 2
    other = open_organization(b2b_client, new_domain())
    assert b2b_client.organizations.metrics(other).member_count == 0
    details = error_of(
        lambda: b2b_client.organizations.metrics("organization-test-00000000-0000-4000-8000-000000000000")
    )
    assert (details.status_code, details.error_type) == (404, "organization_not_found")


def test_external_ids_are_cleared(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain()
    org = open_organization(b2b_client, domain, organization_external_id=f"ext-{domain}")
    member = b2b_client.organizations.members.create(
        organization_id=org, email_address=f"ada@{domain}", external_id="ada-ext"
    )
    assert b2b_client.organizations.get(f"ext-{domain}").organization.organization_id == org

    cleared = b2b_client.organizations.delete_external_id(org).organization
    assert cleared.organization_id == org and cleared.organization_external_id == ""
    assert error_of(lambda: b2b_client.organizations.get(f"ext-{domain}")).error_type == (
        "organization_not_found"
    )
    gone = b2b_client.organizations.members.delete_external_id(org, member.member_id)
    assert gone.member_id == member.member_id and gone.member.external_id == ""
    assert error_of(
        lambda: b2b_client.organizations.members.get(organization_id=org, member_id="ada-ext")
    ).error_type == ("member_not_found")
    # Free again: another member may take it.
    b2b_client.organizations.members.create(
        organization_id=org, email_address=f"grace@{domain}", external_id="ada-ext"
    )


def test_delete_mfa_phone_number(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain()
    org = open_organization(b2b_client, domain)
    member = b2b_client.organizations.members.create(
        organization_id=org, email_address=f"ada@{domain}", mfa_phone_number="+12025550123"
    )
    assert member.member.mfa_phone_number == "+12025550123"
    deleted = b2b_client.organizations.members.delete_mfa_phone_number(org, member.member_id)
    assert deleted.member_id == member.member_id and deleted.organization.organization_id == org
    assert (deleted.member.mfa_phone_number, deleted.member.mfa_phone_number_verified) == ("", False)
    again = error_of(lambda: b2b_client.organizations.members.delete_mfa_phone_number(org, member.member_id))
    assert (again.status_code, again.error_type) == (404, "member_phone_number_not_found")
    unknown = error_of(
        lambda: b2b_client.organizations.members.delete_mfa_phone_number(
            org, "member-test-00000000-0000-4000-8000-000000000000"
        )
    )
    assert unknown.error_type == "member_not_found"


def test_deleting_a_totp_or_password_a_member_does_not_have(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain()
    org = open_organization(b2b_client, domain)
    member = b2b_client.organizations.members.create(organization_id=org, email_address=f"ada@{domain}")
    totp = error_of(lambda: b2b_client.organizations.members.delete_totp(org, member.member_id))
    assert (totp.status_code, totp.error_type) == (404, "totp_not_found")
    password = error_of(
        lambda: b2b_client.organizations.members.delete_password(
            org, "member-password-test-00000000-0000-4000-8000-000000000000"
        )
    )
    assert (password.status_code, password.error_type) == (404, "member_password_not_found")
    unknown = error_of(
        lambda: b2b_client.organizations.members.delete_totp(
            org, "member-test-00000000-0000-4000-8000-000000000000"
        )
    )
    assert unknown.error_type == "member_not_found"


def test_member_sessions_delete_their_own_factors_and_admins_anyones(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = open_organization(b2b_client, domain)
    b2b_client.organizations.members.create(
        organization_id=org, email_address=f"boss@{domain}", roles=["stytch_admin"]
    )
    for name in ("plain", "other"):
        b2b_client.organizations.members.create(
            organization_id=org, email_address=f"{name}@{domain}", mfa_phone_number="+12025550123"
        )
    plain, boss = mail.log_in(org, f"plain@{domain}"), mail.log_in(org, f"boss@{domain}")
    other = b2b_client.organizations.members.get(organization_id=org, email_address=f"other@{domain}")
    as_plain = Authorization(session_token=plain.session_token)
    as_boss = Authorization(session_jwt=boss.session_jwt)

    refused = error_of(
        lambda: b2b_client.organizations.members.delete_mfa_phone_number(
            org,
            other.member_id,
            method_options=DeleteMFAPhoneNumberRequestOptions(authorization=as_plain),
        )
    )
    assert (refused.status_code, refused.error_type) == (403, "session_authorization_error")
    refused = error_of(
        lambda: b2b_client.organizations.members.delete_totp(
            org, other.member_id, method_options=DeleteTOTPRequestOptions(authorization=as_plain)
        )
    )
    assert refused.error_type == "session_authorization_error"
    own = b2b_client.organizations.members.delete_mfa_phone_number(
        org, plain.member_id, method_options=DeleteMFAPhoneNumberRequestOptions(authorization=as_plain)
    )
    assert own.member.mfa_phone_number == ""
    by_admin = b2b_client.organizations.members.delete_mfa_phone_number(
        org, other.member_id, method_options=DeleteMFAPhoneNumberRequestOptions(authorization=as_boss)
    )
    assert by_admin.member.mfa_phone_number == ""
    # The sessions stay (Stytch's rule).
    assert (
        b2b_client.sessions.authenticate(session_token=plain.session_token).member.member_id
        == plain.member_id
    )

    # A session of another organization may act on none of them.
    elsewhere_domain = new_domain("b")
    elsewhere = open_organization(b2b_client, elsewhere_domain)
    outsider = mail.log_in(elsewhere, f"boss@{elsewhere_domain}")
    as_outsider = Authorization(session_token=outsider.session_token)
    assert error_of(
        lambda: b2b_client.organizations.members.delete_password(
            org,
            "member-password-test-00000000-0000-4000-8000-000000000000",
            method_options=DeletePasswordRequestOptions(authorization=as_outsider),
        )
    ).error_type == ("member_password_not_found")
    assert error_of(
        lambda: b2b_client.organizations.members.delete_totp(
            org, other.member_id, method_options=DeleteTOTPRequestOptions(authorization=as_outsider)
        )
    ).error_type == ("session_authorization_tenancy_error")


def test_another_projects_organizations_are_unknown(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    domain = new_domain()
    org = open_organization(b2b_client, domain, organization_external_id=f"x-{domain}")
    member = b2b_client.organizations.members.create(
        organization_id=org, email_address=f"ada@{domain}", mfa_phone_number="+12025550123"
    )
    other = server.create_project(vertical="b2b")
    stranger = stytch.B2BClient(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    for call in (
        lambda: stranger.organizations.metrics(org),
        lambda: stranger.organizations.delete_external_id(org),
        lambda: stranger.organizations.members.delete_mfa_phone_number(org, member.member_id),
        lambda: stranger.organizations.members.delete_external_id(org, member.member_id),
    ):
        assert error_of(call).error_type == "organization_not_found"
    assert (
        b2b_client.organizations.members.get(
            organization_id=org, member_id=member.member_id
        ).member.mfa_phone_number
        == "+12025550123"
    )
    assert b2b_client.organizations.get(f"x-{domain}").organization.organization_id == org
