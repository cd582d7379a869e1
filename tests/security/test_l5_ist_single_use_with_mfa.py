"""L5: an intermediate session token is used up when it creates or enters an organization even when
that organization still wants MFA; the caller gets a new token tied to the organization and member,
and the first one is refused afterwards (one token no longer creates any number of organizations)."""

from __future__ import annotations

import stytch

from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.smtp_sink import SmtpSink


def test_l5_creating_an_organization_that_requires_mfa_uses_the_token_up(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    discovered = Mailbox(b2b_client, smtp_sink).discover(f"mfa@{new_domain()}")
    ist = discovered.intermediate_session_token
    created = b2b_client.discovery.organizations.create(
        intermediate_session_token=ist, organization_name="Careful", mfa_policy="REQUIRED_FOR_ALL"
    )
    assert created.member_authenticated is False and created.mfa_required is not None
    assert created.intermediate_session_token not in ("", ist)
    assert created.intermediate_session_token_expires_at == discovered.intermediate_session_token_expires_at

    for reuse in (
        lambda: b2b_client.discovery.organizations.create(
            intermediate_session_token=ist, organization_name="Second", mfa_policy="REQUIRED_FOR_ALL"
        ),
        lambda: b2b_client.discovery.organizations.create(intermediate_session_token=ist),
        lambda: b2b_client.discovery.intermediate_sessions.exchange(
            intermediate_session_token=ist, organization_id=created.organization.organization_id
        ),
        lambda: b2b_client.discovery.organizations.list(intermediate_session_token=ist),
    ):
        assert error_of(reuse).error_type == "intermediate_session_not_found"


def test_l5_entering_an_organization_that_requires_mfa_uses_the_token_up(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    domain = new_domain()
    org = b2b_client.organizations.create(
        organization_name=domain,
        email_jit_provisioning="RESTRICTED",
        email_allowed_domains=[domain],
        mfa_policy="REQUIRED_FOR_ALL",
    ).organization.organization_id
    ist = Mailbox(b2b_client, smtp_sink).discover(f"ada@{domain}").intermediate_session_token

    entered = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=ist, organization_id=org
    )
    assert entered.member_authenticated is False and entered.mfa_required is not None
    assert entered.intermediate_session_token not in ("", ist)
    assert error_of(
        lambda: b2b_client.discovery.intermediate_sessions.exchange(
            intermediate_session_token=ist, organization_id=org
        )
    ).error_type == ("intermediate_session_not_found")
    # The new token is itself single use.
    fresh = entered.intermediate_session_token
    again = b2b_client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=fresh, organization_id=org
    )
    assert again.intermediate_session_token not in ("", ist, fresh)
    assert error_of(
        lambda: b2b_client.discovery.organizations.create(intermediate_session_token=fresh)
    ).error_type == ("intermediate_session_not_found")


def test_l5_an_organization_listing_someone_elses_domain_is_not_offered_to_its_people(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    victims = new_domain("victims")
    ist = mail.discover(f"eve@{new_domain('attacker')}").intermediate_session_token
    bait = b2b_client.discovery.organizations.create(
        intermediate_session_token=ist,
        organization_name="Victims IT",
        email_jit_provisioning="RESTRICTED",
        email_allowed_domains=[victims],
        rbac_email_implicit_role_assignments=[{"domain": victims, "role_id": "stytch_admin"}],
    ).organization.organization_id
    # Stytch lists an organization as joinable by email domain only when one of its members has a
    # verified address of that domain (against phishing).
    assert mail.discover(f"ada@{victims}").discovered_organizations == []
    # Once a member of the domain has proven its address there (a login), it is.
    mail.log_in(bait, f"bob@{victims}")
    offered = mail.discover(f"ada@{victims}").discovered_organizations
    assert [o.organization.organization_id for o in offered] == [bait]  # type: ignore[union-attr]
