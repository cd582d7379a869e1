"""The B2B discovery quickstart (Python/Flask form) through the official Python SDK's `B2BClient`,
against a real server, with mail read from a real SMTP server; then who may not get in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import stytch

from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.magic_links import received_link, token_of
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink


def test_the_discovery_quickstart_flow(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    ada = f"ada@{domain}"

    # /login: a discovery link; /authenticate: the link's token for an intermediate session.
    b2b_client.magic_links.email.discovery.send(email_address=ada)
    mail.sent(ada)
    link = received_link(smtp_sink, ada)
    assert link.startswith("http://localhost:3000/authenticate?stytch_token_type=discovery&token=")
    token = token_of(link, "discovery")
    auth = b2b_client.magic_links.discovery.authenticate(discovery_magic_links_token=token)
    assert auth.email_address == ada
    assert auth.discovered_organizations == []
    ist = auth.intermediate_session_token
    assert ist and auth.intermediate_session_token_expires_at is not None
    lifetime = auth.intermediate_session_token_expires_at - datetime.now(UTC)
    assert 540 < lifetime.total_seconds() <= 600
    # The link is single use.
    assert error_of(
        lambda: b2b_client.magic_links.discovery.authenticate(discovery_magic_links_token=token)
    ).error_type == ("unable_to_auth_magic_link")

    # No organization yet: create one from the intermediate session alone, named after the domain.
    created = b2b_client.discovery.organizations.create(intermediate_session_token=ist)
    organization = created.organization
    assert created.member_authenticated is True
    assert (organization.organization_name, organization.organization_slug) == (domain, domain)
    assert created.member.email_address == ada and created.member.status == "active"
    assert created.member.email_address_verified is True
    assert created.member.is_admin is True
    assert {role.role_id for role in created.member.roles} == {"stytch_member", "stytch_admin"}
    assert created.member_session is not None
    assert created.member_session.organization_slug == domain
    assert created.intermediate_session_token == ""
    # The intermediate session was used up.
    assert error_of(
        lambda: b2b_client.discovery.organizations.create(intermediate_session_token=ist)
    ).error_type == ("intermediate_session_not_found")

    # /dashboard: the member session authenticates and names the member and organization.
    gated = b2b_client.sessions.authenticate(session_token=created.session_token)
    assert gated.member.member_id == created.member_id
    assert gated.organization.organization_id == organization.organization_id
    assert gated.member_session.roles == ["stytch_member", "stytch_admin"]
    local = b2b_client.sessions.authenticate_jwt_local(session_jwt=created.session_jwt)
    assert local is not None
    assert (local.member_id, local.organization_id, local.organization_slug) == (
        created.member_id,
        organization.organization_id,
        domain,
    )
    assert local.member_session_id == created.member_session.member_session_id

    # A colleague of an allowed domain signs up by JIT provisioning.
    b2b_client.organizations.update(
        organization.organization_id, email_jit_provisioning="RESTRICTED", email_allowed_domains=[domain]
    )
    grace = f"grace@{domain}"
    signup = b2b_client.magic_links.email.login_or_signup(
        organization_id=organization.organization_id, email_address=grace
    )
    assert signup.member_created is True and signup.member.status == "pending"
    joined = b2b_client.magic_links.authenticate(magic_links_token=mail.token(grace))
    assert joined.member_authenticated is True
    assert joined.member.status == "active" and joined.member.email_address_verified is True
    assert joined.member.is_admin is False
    assert joined.method_id and joined.organization_id == organization.organization_id
    assert b2b_client.sessions.authenticate(session_token=joined.session_token).member.email_address == grace

    # The first user's discovery now lists the organization, and the exchange gives a member session.
    again = mail.discover(ada)
    [found] = again.discovered_organizations
    assert (
        found.organization is not None and found.organization.organization_id == organization.organization_id
    )
    assert found.membership is not None and found.membership.type == "active_member"
    assert found.membership.member is not None and found.membership.member.member_id == created.member_id
    exchanged = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=again.intermediate_session_token,
        organization_id=found.organization.organization_id,
    )
    assert exchanged.member_authenticated is True and exchanged.member_id == created.member_id
    assert b2b_client.sessions.authenticate(session_token=exchanged.session_token).member.email_address == ada


def test_a_stranger_without_an_invite_cannot_enter(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    organization = b2b_client.organizations.create(
        organization_name="Acme",
        organization_slug=domain,
        email_jit_provisioning="RESTRICTED",
        email_allowed_domains=[domain],
        email_invites="RESTRICTED",
    ).organization
    eve = f"eve@{new_domain('elsewhere')}"
    assert (
        error_of(
            lambda: b2b_client.magic_links.email.login_or_signup(
                organization_id=organization.organization_id, email_address=eve
            )
        ).error_type
        == "invalid_email_for_jit_provisioning"
    )
    assert smtp_sink.received(eve) == []
    discovered = mail.discover(eve)
    assert discovered.discovered_organizations == []
    details = error_of(
        lambda: b2b_client.discovery.intermediate_sessions.exchange(
            intermediate_session_token=discovered.intermediate_session_token,
            organization_id=organization.organization_id,
        )
    )
    assert (details.status_code, details.error_type) == (403, "invalid_email_for_jit_provisioning")
    # The invite policy keeps strangers out too, until the organization opens it.
    assert (
        error_of(
            lambda: b2b_client.magic_links.email.invite(
                organization_id=organization.organization_id, email_address=eve
            )
        ).error_type
        == "invalid_email_for_invites"
    )
    assert (
        b2b_client.organizations.members.search(organization_ids=[organization.organization_id]).members == []
    )

    # An invitation lets the same person in: discovery lists it, the exchange accepts it.
    b2b_client.organizations.update(organization.organization_id, email_invites="ALL_ALLOWED")
    mail.wait_turn(eve)
    invited = b2b_client.magic_links.email.invite(
        organization_id=organization.organization_id, email_address=eve, name="Eve"
    )
    assert invited.member.status == "invited"
    mail.token(eve)  # the invite link (multi_tenant_magic_links); discovery is another way in
    again = mail.discover(eve)
    [found] = again.discovered_organizations
    assert found.membership is not None and found.membership.type == "invited_member"
    entered = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=again.intermediate_session_token,
        organization_id=organization.organization_id,
    )
    assert entered.member_authenticated is True
    assert entered.member.status == "active" and entered.member.name == "Eve"


def test_domain_eligible_organizations_are_discovered(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    open_org = b2b_client.organizations.create(
        organization_name="Open", email_jit_provisioning="RESTRICTED", email_allowed_domains=[domain]
    ).organization
    b2b_client.organizations.create(organization_name="Closed", email_allowed_domains=[domain])
    # As in Stytch, an organization is offered by domain once a member has a verified address there.
    mail.log_in(open_org.organization_id, f"first@{domain}")
    discovered = mail.discover(f"new@{domain}")
    [found] = discovered.discovered_organizations
    assert found.organization is not None and found.organization.organization_id == open_org.organization_id
    assert found.membership is not None
    assert (found.membership.type, found.membership.details, found.membership.member) == (
        "eligible_to_join_by_email_domain",
        {"domain": domain},
        None,
    )
    # Listing does not use the intermediate session up.
    listed = b2b_client.discovery.organizations.list(
        intermediate_session_token=discovered.intermediate_session_token
    )
    assert [o.organization.organization_id for o in listed.discovered_organizations if o.organization] == [
        open_org.organization_id
    ]
    joined = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=discovered.intermediate_session_token,
        organization_id=open_org.organization_slug,
    )
    assert joined.member_authenticated is True and joined.member.email_address == f"new@{domain}"


def test_an_intermediate_session_token_works_once_under_concurrency(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    email = f"race@{new_domain()}"
    ist = mail.discover(email).intermediate_session_token
    slug = new_domain("race")

    def create(index: int) -> int:
        # Distinct slugs, so that the only thing the requests compete for is the token.
        body = {
            "intermediate_session_token": ist,
            "organization_name": "Race",
            "organization_slug": f"{slug}-{index}",
        }
        auth = (b2b_project.project_id, b2b_project.secret)
        return httpx.post(
            f"{server.base_url}v1/b2b/discovery/organizations/create", json=body, auth=auth, timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(create, range(10)))
    assert sorted(statuses) == [200] + [404] * 9, statuses
    found = b2b_client.organizations.search(
        query={"operator": "AND", "operands": [{"filter_name": "member_emails", "filter_value": [email]}]}
    )
    assert len(found.organizations) == 1


def test_organization_creation_that_requires_mfa_trades_the_intermediate_session_for_a_new_one(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    ist = Mailbox(b2b_client, smtp_sink).discover(f"mfa@{new_domain()}").intermediate_session_token
    created = b2b_client.discovery.organizations.create(
        intermediate_session_token=ist, organization_name="Careful", mfa_policy="REQUIRED_FOR_ALL"
    )
    assert created.member_authenticated is False
    assert (created.session_token, created.session_jwt, created.member_session) == ("", "", None)
    assert created.mfa_required is not None
    # The presented token is used up (see tests/security/test_l5_ist_single_use_with_mfa.py).
    assert created.intermediate_session_token not in ("", ist)
