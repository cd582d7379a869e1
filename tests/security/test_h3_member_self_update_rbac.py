"""H3: a member acting with its own session (the SDK's `method_options`) may change on itself only
what Stytch's default `stytch_member` role allows on `stytch.self` (name, untrusted metadata, MFA phone,
default MFA method); roles, trusted metadata, break-glass, MFA enrolment, email and external id are
refused with Stytch's 403 `session_authorization_error`. An admin keeps its rights over members."""

from __future__ import annotations

from typing import Any

import pytest
import stytch
from stytch.b2b.models.organizations_members import UpdateRequestOptions
from stytch.shared.method_options import Authorization

from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.smtp_sink import SmtpSink

FORBIDDEN: dict[str, Any] = {
    "roles": ["stytch_admin"],
    "trusted_metadata": {"plan": "enterprise"},
    "is_breakglass": True,
    "mfa_enrolled": False,
    "email_address": "cfo@elsewhere.example.com",
    "external_id": "the-ceo",
}


def organization_with_admin(client: stytch.B2BClient, mail: Mailbox) -> tuple[str, str, Any, Any]:
    """(organization, domain, a logged-in plain member, a logged-in stytch_admin)."""
    domain = new_domain()
    org = client.organizations.create(
        organization_name=domain, email_jit_provisioning="RESTRICTED", email_allowed_domains=[domain]
    ).organization.organization_id
    client.organizations.members.create(
        organization_id=org, email_address=f"boss@{domain}", roles=["stytch_admin"]
    )
    return org, domain, mail.log_in(org, f"pleb@{domain}"), mail.log_in(org, f"boss@{domain}")


def as_member(login: Any) -> UpdateRequestOptions:
    return UpdateRequestOptions(authorization=Authorization(session_token=login.session_token))


def test_h3_a_member_cannot_grant_itself_admin_and_take_over_the_organization(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    org, _, pleb, boss = organization_with_admin(b2b_client, Mailbox(b2b_client, smtp_sink))
    details = error_of(
        lambda: b2b_client.organizations.members.update(
            organization_id=org,
            member_id=pleb.member_id,
            roles=["stytch_admin"],
            trusted_metadata={"plan": "enterprise"},
            is_breakglass=True,
            method_options=as_member(pleb),
        )
    )
    assert (details.status_code, details.error_type) == (403, "session_authorization_error")
    member = b2b_client.organizations.members.get(organization_id=org, member_id=pleb.member_id).member
    assert [role.role_id for role in member.roles] == ["stytch_member"]
    assert (member.trusted_metadata, member.is_breakglass) == ({}, False)
    # ... so it still cannot act on the real admin.
    assert error_of(
        lambda: b2b_client.organizations.members.update(
            organization_id=org, member_id=boss.member_id, name="pwned", method_options=as_member(pleb)
        )
    ).error_type == ("session_authorization_error")


@pytest.mark.parametrize("field", sorted(FORBIDDEN))
def test_h3_each_field_outside_stytch_self_is_refused(
    field: str, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    org, _, pleb, _ = organization_with_admin(b2b_client, Mailbox(b2b_client, smtp_sink))
    before = b2b_client.organizations.members.get(organization_id=org, member_id=pleb.member_id).member
    details = error_of(
        lambda: b2b_client.organizations.members.update(
            organization_id=org,
            member_id=pleb.member_id,
            method_options=as_member(pleb),
            **{field: FORBIDDEN[field]},
        )
    )
    assert (details.status_code, details.error_type) == (403, "session_authorization_error")
    after = b2b_client.organizations.members.get(organization_id=org, member_id=pleb.member_id).member
    assert after == before
    # Asked for with the session's JWT, the same.
    by_jwt = UpdateRequestOptions(authorization=Authorization(session_jwt=pleb.session_jwt))
    assert error_of(
        lambda: b2b_client.organizations.members.update(
            organization_id=org, member_id=pleb.member_id, method_options=by_jwt, **{field: FORBIDDEN[field]}
        )
    ).error_type == ("session_authorization_error")


def test_h3_the_self_service_fields_still_work(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    org, _, pleb, _ = organization_with_admin(b2b_client, Mailbox(b2b_client, smtp_sink))
    updated = b2b_client.organizations.members.update(
        organization_id=org,
        member_id=pleb.member_id,
        name="Pat Pleb",
        untrusted_metadata={"theme": "dark"},
        mfa_phone_number="+12025550123",
        default_mfa_method="sms_otp",
        method_options=as_member(pleb),
    ).member
    assert (updated.name, updated.untrusted_metadata) == ("Pat Pleb", {"theme": "dark"})
    assert (updated.mfa_phone_number, updated.default_mfa_method) == ("+12025550123", "sms_otp")


def test_h3_an_admin_keeps_its_rights_over_members(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    org, domain, pleb, boss = organization_with_admin(b2b_client, Mailbox(b2b_client, smtp_sink))
    promoted = b2b_client.organizations.members.update(
        organization_id=org,
        member_id=pleb.member_id,
        roles=["stytch_admin"],
        is_breakglass=True,
        mfa_enrolled=False,
        external_id="pat",
        email_address=f"pat@{domain}",
        method_options=as_member(boss),
    ).member
    assert {role.role_id for role in promoted.roles} == {"stytch_member", "stytch_admin"}
    assert (promoted.is_breakglass, promoted.external_id, promoted.email_address) == (
        True,
        "pat",
        f"pat@{domain}",
    )
    # Trusted metadata is for the backend alone: Stytch refuses it under any member session.
    assert error_of(
        lambda: b2b_client.organizations.members.update(
            organization_id=org,
            member_id=pleb.member_id,
            trusted_metadata={"plan": "enterprise"},
            method_options=as_member(boss),
        )
    ).error_type == ("session_authorization_error")
    # And the backend itself (no member session) may set everything.
    backend = b2b_client.organizations.members.update(
        organization_id=org, member_id=pleb.member_id, trusted_metadata={"plan": "enterprise"}
    ).member
    assert backend.trusted_metadata == {"plan": "enterprise"}
