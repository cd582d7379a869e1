"""A member's self-serve email update through the official Python SDK's `B2BClient`: the magic link (or
passcode) goes to the new address, which becomes the member's once authenticated, the old one retired
(listed on the Member, unusable by the organization's other members) until it is unlinked."""

from __future__ import annotations

from typing import Any

import stytch
from stytch.b2b.models.organizations_members import (
    StartEmailUpdateRequestOptions,
    UnlinkRetiredEmailRequestOptions,
)
from stytch.shared.method_options import Authorization

from tests.support.b2b_mail import Mailbox, error_of, jit_organization, new_domain
from tests.support.otps import emailed_code
from tests.support.smtp_sink import SmtpSink

UNKNOWN_EMAIL_ID = "member-email-test-00000000-0000-4000-8000-000000000000"


def email_id_of(login: Any) -> str:
    """The id of the address the member logged in with (its session's email factor)."""
    return str(login.member_session.authentication_factors[0].email_factor.email_id)


def retired(member: Any) -> list[tuple[str, str]]:
    return [(email.email_id, email.email_address) for email in member.retired_email_addresses]


def test_email_update_by_magic_link_retires_the_old_address_until_unlinked(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain)
    members = b2b_client.organizations.members
    old, new = f"ada@{domain}", f"ada.new@{domain}"
    ada = mail.log_in(org, old)
    bob = mail.log_in(org, f"bob@{domain}").member_id

    taken = error_of(lambda: members.start_email_update(org, ada.member_id, f"bob@{domain}"))
    assert (taken.status_code, taken.error_type) == (409, "duplicate_member_email")

    started = members.start_email_update(org, ada.member_id, new)
    assert (started.member.email_address, started.member.retired_email_addresses) == (old, [])
    # Two members cannot update to the same address at once.
    racing = error_of(lambda: members.start_email_update(org, bob, new))
    assert racing.error_type == "duplicate_member_email"

    authenticated = b2b_client.magic_links.authenticate(magic_links_token=mail.token(new))
    assert authenticated.member_id == ada.member_id
    assert (authenticated.member.email_address, authenticated.member.email_address_verified) == (new, True)
    assert retired(authenticated.member) == [(email_id_of(ada), old)]
    assert authenticated.member_session.authentication_factors[0].email_factor.email_address == new
    member = members.get(org, member_id=ada.member_id).member
    assert (member.email_address, retired(member)) == (new, [(email_id_of(ada), old)])

    # The retired address stays Ada's: nobody else in the organization may take it.
    assert error_of(lambda: members.create(org, old)).error_type == "duplicate_member_email"
    assert error_of(lambda: members.start_email_update(org, bob, old)).error_type == "duplicate_member_email"

    unknown = error_of(lambda: members.unlink_retired_email(org, ada.member_id, email_id=UNKNOWN_EMAIL_ID))
    assert (unknown.status_code, unknown.error_type) == (404, "email_not_found")
    malformed = error_of(lambda: members.unlink_retired_email(org, ada.member_id, email_id="member-email-1"))
    assert (malformed.status_code, malformed.error_type) == (400, "invalid_email_id")

    unlinked = members.unlink_retired_email(org, ada.member_id, email_address=old)
    assert (unlinked.member_id, unlinked.organization_id) == (ada.member_id, org)
    assert (unlinked.member.email_address, unlinked.member.retired_email_addresses) == (new, [])
    assert members.create(org, old).member.email_address == old


def test_email_update_by_passcode(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain)
    old, new = f"cy@{domain}", f"cy.new@{domain}"
    cy = mail.log_in(org, old)

    b2b_client.organizations.members.start_email_update(org, cy.member_id, new, delivery_method="EMAIL_OTP")
    authenticated = b2b_client.otps.email.authenticate(
        organization_id=org, email_address=new, code=emailed_code(smtp_sink, new)
    )
    assert (authenticated.member_id, authenticated.member.email_address) == (cy.member_id, new)
    assert retired(authenticated.member) == [(email_id_of(cy), old)]

    unlinked = b2b_client.organizations.members.unlink_retired_email(
        org, cy.member_id, email_id=email_id_of(cy), email_address=old
    )
    assert unlinked.member.retired_email_addresses == []


def test_unknown_and_malformed_members_and_organizations(b2b_client: stytch.B2BClient) -> None:
    org = jit_organization(b2b_client, new_domain())
    members = b2b_client.organizations.members
    unknown_member = error_of(
        lambda: members.start_email_update(
            org, "member-test-00000000-0000-4000-8000-000000000000", "x@a.example"
        )
    )
    assert (unknown_member.status_code, unknown_member.error_type) == (404, "member_not_found")
    malformed = error_of(
        lambda: members.unlink_retired_email(org, "member-test-1", email_address="x@a.example")
    )
    assert (malformed.status_code, malformed.error_type) == (400, "invalid_member_id")
    unknown_org = error_of(
        lambda: members.start_email_update(
            "organization-test-00000000-0000-4000-8000-000000000000", "member-x", "x@a.example"
        )
    )
    assert (unknown_org.status_code, unknown_org.error_type) == (404, "organization_not_found")


def test_a_member_session_needs_the_actions_on_the_member(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail, domain = Mailbox(b2b_client, smtp_sink), new_domain()
    org = jit_organization(b2b_client, domain)
    members = b2b_client.organizations.members
    members.create(org, f"boss@{domain}", roles=["stytch_admin"])
    plain, boss = mail.log_in(org, f"plain@{domain}"), mail.log_in(org, f"boss@{domain}")
    victim = members.create(org, f"victim@{domain}").member_id

    def start(who: Any, member_id: str, email: str) -> Any:
        options = StartEmailUpdateRequestOptions(authorization=Authorization(session_token=who.session_token))
        return members.start_email_update(org, member_id, email, method_options=options)

    refused = error_of(lambda: start(plain, victim, f"elsewhere@{domain}"))
    assert (refused.status_code, refused.error_type) == (403, "session_authorization_error")
    # stytch_member may not change its own address (`update.info.email` is not on its stytch.self).
    assert error_of(lambda: start(plain, plain.member_id, f"me@{domain}")).error_type == (
        "session_authorization_error"
    )
    assert start(boss, plain.member_id, f"plain.new@{domain}").member.email_address == f"plain@{domain}"
    b2b_client.magic_links.authenticate(magic_links_token=mail.token(f"plain.new@{domain}"))

    def unlink(who: Any, member_id: str) -> Any:
        options = UnlinkRetiredEmailRequestOptions(
            authorization=Authorization(session_token=who.session_token)
        )
        return members.unlink_retired_email(
            org, member_id, email_address=f"plain@{domain}", method_options=options
        )

    assert error_of(lambda: unlink(plain, victim)).error_type == "session_authorization_error"
    assert error_of(lambda: unlink(boss, victim)).error_type == "email_not_found"
    # Unlinking its own retired address is on stytch_member's stytch.self; its session outlived the update.
    assert unlink(plain, plain.member_id).member.retired_email_addresses == []
