"""H1: a member that changes its email to a victim's (stored unverified) must not enter the victim's
organization as the victim through `sessions.exchange`, nor list the victim's organizations through
discovery with its member session; an address only counts once it has been proven."""

from __future__ import annotations

from typing import Any

import stytch
from stytch.b2b.models.organizations_members import UpdateRequestOptions
from stytch.shared.method_options import Authorization

from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.smtp_sink import SmtpSink


def open_organization(client: stytch.B2BClient, domain: str) -> str:
    created = client.organizations.create(
        organization_name=domain, email_jit_provisioning="RESTRICTED", email_allowed_domains=[domain]
    )
    return str(created.organization.organization_id)


def setting(client: stytch.B2BClient, mail: Mailbox) -> tuple[str, str, Any, Any]:
    """(acme, other, the attacker's acme login, the victim: a stytch_admin of other)."""
    acme_domain, corp_domain = new_domain("acme"), new_domain("corp")
    acme, other = open_organization(client, acme_domain), open_organization(client, corp_domain)
    cfo = client.organizations.members.create(
        organization_id=other, email_address=f"cfo@{corp_domain}", roles=["stytch_admin"]
    ).member
    eve = mail.log_in(acme, f"eve@{acme_domain}")
    return acme, other, eve, cfo


def assert_not_entered(client: stytch.B2BClient, other: str, eve: Any, cfo: Any) -> None:
    """Eve's session does not get into `other`, and the victim has no session there."""
    details = error_of(lambda: client.sessions.exchange(organization_id=other, session_jwt=eve.session_jwt))
    assert 400 <= details.status_code < 500
    assert error_of(
        lambda: client.sessions.exchange(organization_id=other, session_token=eve.session_token)
    ).status_code in range(400, 500)
    assert client.sessions.get(organization_id=other, member_id=cfo.member_id).member_sessions == []


def test_h1_a_backend_email_change_does_not_let_the_session_enter_as_the_victim(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    acme, other, eve, cfo = setting(b2b_client, mail)

    # The app's "change my email" page, calling the backend API for the member.
    changed = b2b_client.organizations.members.update(
        organization_id=acme, member_id=eve.member_id, email_address=cfo.email_address
    ).member
    assert changed.email_address == cfo.email_address and changed.email_address_verified is False

    assert_not_entered(b2b_client, other, eve, cfo)
    # The change ended the member's sessions: their email factor proved the old address only.
    assert error_of(lambda: b2b_client.sessions.authenticate(session_token=eve.session_token)).error_type == (
        "session_not_found"
    )
    # Discovery with the member session does not list the victim's organizations either.
    details = error_of(lambda: b2b_client.discovery.organizations.list(session_jwt=eve.session_jwt))
    assert 400 <= details.status_code < 500


def test_h1_a_member_cannot_change_its_own_email_with_its_session(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    acme, other, eve, cfo = setting(b2b_client, mail)
    as_eve = UpdateRequestOptions(authorization=Authorization(session_token=eve.session_token))

    details = error_of(
        lambda: b2b_client.organizations.members.update(
            organization_id=acme,
            member_id=eve.member_id,
            email_address=cfo.email_address,
            method_options=as_eve,
        )
    )
    assert (details.status_code, details.error_type) == (403, "session_authorization_error")
    kept = b2b_client.organizations.members.get(organization_id=acme, member_id=eve.member_id).member
    assert kept.email_address == eve.member.email_address and kept.email_address_verified is True

    assert_not_entered(b2b_client, other, eve, cfo)
    listed = b2b_client.discovery.organizations.list(session_token=eve.session_token)
    assert [o.organization.organization_id for o in listed.discovered_organizations] == [acme]  # type: ignore[union-attr]


def test_h1_a_changed_address_counts_once_proven_by_a_login(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    acme_domain = new_domain("acme")
    acme = open_organization(b2b_client, acme_domain)
    sister = open_organization(b2b_client, new_domain("sis"))
    b2b_client.organizations.update(sister, email_allowed_domains=[acme_domain])
    eve = mail.log_in(acme, f"eve@{acme_domain}")
    b2b_client.organizations.members.update(
        organization_id=acme, member_id=eve.member_id, email_address=f"eve.new@{acme_domain}"
    )
    # The new address is proven by a link sent to it; then it may move between organizations.
    again = mail.log_in(acme, f"eve.new@{acme_domain}")
    assert again.member_id == eve.member_id and again.member.email_address_verified is True
    moved = b2b_client.sessions.exchange(organization_id=sister, session_token=again.session_token)
    assert moved.member_authenticated is True and moved.member.email_address == f"eve.new@{acme_domain}"
