"""B2B member sessions through the official Python SDK's `B2BClient`: authenticate (token, JWT, locally),
get, revoke, exchange, the JWKS; and tenancy: a session of organization A cannot act on organization B."""

from __future__ import annotations

import httpx
import jwt
import stytch
from stytch.b2b.models.organizations_members import SearchRequestOptions, UpdateRequestOptions
from stytch.b2b.models.sessions import RevokeRequestOptions
from stytch.shared.method_options import Authorization

from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

ORGANIZATION_CLAIM = "https://stytch.com/organization"
SESSION_CLAIM = "https://stytch.com/session"


def open_organization(client: stytch.B2BClient, domain: str) -> str:
    """An organization that lets anyone of `domain` in by email."""
    created = client.organizations.create(
        organization_name=domain, email_jit_provisioning="RESTRICTED", email_allowed_domains=[domain]
    )
    return str(created.organization.organization_id)


def test_member_session_token_and_jwt(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = open_organization(b2b_client, domain)
    login = mail.log_in(org, f"ada@{domain}")
    assert login.member_authenticated is True and login.intermediate_session_token == ""

    claims = jwt.decode(login.session_jwt, options={"verify_signature": False})
    assert claims[ORGANIZATION_CLAIM] == {"organization_id": org, "slug": domain}
    assert claims["sub"] == login.member_id and claims["aud"] == [b2b_project.project_id]
    assert claims[SESSION_CLAIM]["id"] == login.member_session.member_session_id  # type: ignore[union-attr]
    assert jwt.get_unverified_header(login.session_jwt)["typ"] == "JWT"

    # The JWKS is public (no credentials), at the B2B path.
    keys = httpx.get(f"{server.base_url}v1/b2b/sessions/jwks/{b2b_project.project_id}").json()["keys"]
    assert [key["kid"] for key in keys] == [jwt.get_unverified_header(login.session_jwt)["kid"]]
    assert b2b_client.sessions.get_jwks(b2b_project.project_id).keys

    local = b2b_client.sessions.authenticate_jwt_local(session_jwt=login.session_jwt)
    assert local is not None and local.organization_id == org and local.roles == ["stytch_member"]
    by_jwt = b2b_client.sessions.authenticate(
        session_jwt=login.session_jwt, session_custom_claims={"tier": "gold"}
    )
    assert by_jwt.session_token == "" and by_jwt.member_session.custom_claims == {"tier": "gold"}
    assert jwt.decode(by_jwt.session_jwt, options={"verify_signature": False})["tier"] == "gold"

    listed = b2b_client.sessions.get(organization_id=org, member_id=login.member_id)
    assert [s.member_session_id for s in listed.member_sessions] == [by_jwt.member_session.member_session_id]

    b2b_client.sessions.revoke(session_jwt=login.session_jwt)
    for call in (
        lambda: b2b_client.sessions.authenticate(session_token=login.session_token),
        lambda: b2b_client.sessions.authenticate(session_jwt=login.session_jwt),
    ):
        assert error_of(call).error_type == "session_not_found"


def test_revoke_by_id_and_for_a_member(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = open_organization(b2b_client, domain)
    first = mail.log_in(org, f"ada@{domain}")
    second = mail.log_in(org, f"ada@{domain}")
    assert first.member_id == second.member_id
    b2b_client.sessions.revoke(member_session_id=first.member_session.member_session_id)  # type: ignore[union-attr]
    assert error_of(
        lambda: b2b_client.sessions.authenticate(session_token=first.session_token)
    ).error_type == ("session_not_found")
    assert b2b_client.sessions.authenticate(session_token=second.session_token)
    b2b_client.sessions.revoke(member_id=second.member_id)
    assert error_of(
        lambda: b2b_client.sessions.authenticate(session_token=second.session_token)
    ).error_type == ("session_not_found")
    assert error_of(lambda: b2b_client.sessions.revoke()).error_type == "no_session_revoke_arguments"


def test_exchange_into_another_organization(b2b_client: stytch.B2BClient, smtp_sink: SmtpSink) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    home, other = open_organization(b2b_client, domain), open_organization(b2b_client, f"other.{domain}")
    b2b_client.organizations.update(other, email_allowed_domains=[domain])
    login = mail.log_in(home, f"ada@{domain}")
    moved = b2b_client.sessions.exchange(organization_id=other, session_token=login.session_token)
    assert moved.member_authenticated is True and moved.organization.organization_id == other
    assert moved.member.email_address == f"ada@{domain}" and moved.member_id != login.member_id
    assert moved.member_session is not None
    assert moved.member_session.authentication_factors[0].email_factor.email_id  # type: ignore[union-attr]
    gated = b2b_client.sessions.authenticate(session_token=moved.session_token)
    assert gated.organization.organization_id == other
    # The first session stays, in its own organization.
    assert (
        b2b_client.sessions.authenticate(session_token=login.session_token).organization.organization_id
        == home
    )
    listed = b2b_client.discovery.organizations.list(session_token=login.session_token)
    assert {
        (o.organization.organization_id, o.member_authenticated) for o in listed.discovered_organizations
    } == {  # type: ignore[union-attr]
        (home, True),
        (other, False),
    }


def test_a_member_session_of_one_organization_cannot_act_on_another(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain_a, domain_b = new_domain("a"), new_domain("b")
    org_a, org_b = open_organization(b2b_client, domain_a), open_organization(b2b_client, domain_b)
    admin_a = b2b_client.organizations.members.create(
        organization_id=org_a, email_address=f"boss@{domain_a}", roles=["stytch_admin"]
    )
    session_a = mail.log_in(org_a, f"boss@{domain_a}")
    assert session_a.member_id == admin_a.member_id and session_a.member.is_admin is True
    victim = b2b_client.organizations.members.create(
        organization_id=org_b, email_address=f"victim@{domain_b}"
    )
    as_a = Authorization(session_token=session_a.session_token)

    details = error_of(
        lambda: b2b_client.organizations.members.search(
            organization_ids=[org_b], method_options=SearchRequestOptions(authorization=as_a)
        )
    )
    assert (details.status_code, details.error_type) == (403, "session_authorization_tenancy_error")
    assert error_of(
        lambda: b2b_client.organizations.members.update(
            organization_id=org_b,
            member_id=victim.member_id,
            name="pwned",
            method_options=UpdateRequestOptions(authorization=as_a),
        )
    ).error_type == ("session_authorization_tenancy_error")
    assert error_of(
        lambda: b2b_client.sessions.authenticate(
            session_token=session_a.session_token,
            authorization_check={
                "organization_id": org_b,
                "resource_id": "stytch.member",
                "action": "search",
            },
        )
    ).error_type == ("session_authorization_tenancy_error")
    assert (
        b2b_client.organizations.members.get(organization_id=org_b, member_id=victim.member_id).member.name
        == ""
    )
    # Its own organization it may act on, as its admin.
    own = b2b_client.organizations.members.search(
        organization_ids=[org_a], method_options=SearchRequestOptions(authorization=as_a)
    )
    assert [m.member_id for m in own.members] == [admin_a.member_id]

    # A plain member may change itself, not others, and not across organizations.
    plain = mail.log_in(org_a, f"plain@{domain_a}")
    as_plain = Authorization(session_jwt=plain.session_jwt)
    b2b_client.organizations.members.update(
        organization_id=org_a,
        member_id=plain.member_id,
        name="Me",
        method_options=UpdateRequestOptions(authorization=as_plain),
    )
    details = error_of(
        lambda: b2b_client.sessions.revoke(
            member_id=admin_a.member_id, method_options=RevokeRequestOptions(authorization=as_plain)
        )
    )
    assert (details.status_code, details.error_type) == (403, "session_authorization_error")
