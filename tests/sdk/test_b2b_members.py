"""B2B Members through the official Python SDK's `B2BClient`: create, get by id, external id or email,
update, delete and reactivate, search; roles (default, explicit, by email domain)."""

from __future__ import annotations

import stytch
from stytch.b2b.models.organizations import Member

from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.smtp_sink import SmtpSink


def organization_id(client: stytch.B2BClient, **settings: object) -> str:
    return str(
        client.organizations.create(organization_name="Members Inc", **settings).organization.organization_id
    )


def test_member_lifecycle(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain()
    org = organization_id(
        b2b_client, rbac_email_implicit_role_assignments=[{"domain": domain, "role_id": "staff"}]
    )
    # Explicit roles must be defined: here by the organization's custom roles.
    b2b_client.rbac.organizations.set_org_policy(
        org, {"roles": [{"role_id": "editor", "description": "", "permissions": []}]}
    )
    created = b2b_client.organizations.members.create(
        organization_id=org,
        email_address=f"Ada@{domain.upper()}",
        name="Ada Lovelace",
        trusted_metadata={"team": "engines"},
        untrusted_metadata={"theme": "dark"},
        roles=["stytch_admin", "editor"],
        external_id="ada-1",
        is_breakglass=True,
    )
    member = created.member
    assert created.member_id.startswith("member-test-") and created.organization.organization_id == org
    assert (member.email_address, member.status, member.name) == (f"ada@{domain}", "active", "Ada Lovelace")
    assert member.email_address_verified is False and member.is_breakglass is True and member.is_admin is True
    sources = {role.role_id: [source.type for source in role.sources] for role in member.roles}
    assert sources == {
        "stytch_member": ["direct_assignment"],
        "stytch_admin": ["direct_assignment"],
        "editor": ["direct_assignment"],
        "staff": ["email_assignment"],
    }
    required = [name for name, field in Member.model_fields.items() if field.is_required()]
    assert len(required) == 19

    for by in ({"member_id": created.member_id}, {"member_id": "ada-1"}, {"email_address": f"ADA@{domain}"}):
        assert b2b_client.organizations.members.get(organization_id=org, **by).member_id == created.member_id  # type: ignore[arg-type]
    assert (
        b2b_client.organizations.members.dangerously_get(created.member_id).organization.organization_id
        == org
    )

    updated = b2b_client.organizations.members.update(
        organization_id=org,
        member_id=created.member_id,
        name="Countess Lovelace",
        roles=["editor"],
        untrusted_metadata={"theme": "light"},
        mfa_phone_number="+1 (202) 555-0123",
    ).member
    assert updated.name == "Countess Lovelace" and updated.is_admin is False
    assert updated.untrusted_metadata == {"theme": "light"} and updated.trusted_metadata == {
        "team": "engines"
    }
    assert updated.mfa_phone_number == "+12025550123"

    assert b2b_client.organizations.members.delete(
        organization_id=org, member_id=created.member_id
    ).member_id == (created.member_id)
    assert error_of(
        lambda: b2b_client.organizations.members.get(organization_id=org, member_id=created.member_id)
    ).error_type == ("member_not_found")
    assert b2b_client.organizations.members.dangerously_get(
        created.member_id, include_deleted=True
    ).member.status == ("deleted")
    reactivated = b2b_client.organizations.members.reactivate(
        organization_id=org, member_id=created.member_id
    )
    assert reactivated.member.status == "active"


def test_member_emails_are_unique_per_organization(b2b_client: stytch.B2BClient) -> None:
    first, second = organization_id(b2b_client), organization_id(b2b_client)
    email = f"grace@{new_domain()}"
    b2b_client.organizations.members.create(organization_id=first, email_address=email)
    details = error_of(
        lambda: b2b_client.organizations.members.create(organization_id=first, email_address=email)
    )
    assert (details.status_code, details.error_type) == (409, "duplicate_member_email")
    assert (
        b2b_client.organizations.members.create(
            organization_id=second, email_address=email
        ).member.email_address
        == email
    )
    assert error_of(
        lambda: b2b_client.organizations.members.create(organization_id=first, email_address="not an email")
    ).error_type == ("invalid_email")


def test_search_members(b2b_client: stytch.B2BClient) -> None:
    first, second = organization_id(b2b_client), organization_id(b2b_client)
    domain = new_domain()
    ids = [
        b2b_client.organizations.members.create(
            organization_id=org, email_address=f"m{index}@{domain}", create_member_as_pending=index == 2
        ).member_id
        for index, org in enumerate((first, first, second, second))
    ]
    b2b_client.organizations.members.delete(organization_id=second, member_id=ids[3])
    found = b2b_client.organizations.members.search(organization_ids=[first, second])
    assert [m.member_id for m in found.members] == ids[:3]
    assert set(found.organizations) == {first, second}
    assert found.results_metadata.total == 3

    def search(*operands: dict[str, object], limit: int | None = None) -> list[str]:
        query = {"operator": "AND", "operands": list(operands)}
        result = b2b_client.organizations.members.search(
            organization_ids=[first, second], query=query, limit=limit
        )
        return [m.member_id for m in result.members]

    assert search({"filter_name": "statuses", "filter_value": ["deleted"]}) == [ids[3]]
    assert search({"filter_name": "statuses", "filter_value": ["pending"]}) == [ids[2]]
    assert search({"filter_name": "member_emails", "filter_value": [f"M1@{domain}"]}) == [ids[1]]
    assert search({"filter_name": "member_email_fuzzy", "filter_value": f"m0@{domain[:5]}"}) == [ids[0]]
    page = b2b_client.organizations.members.search(organization_ids=[first, second], limit=2)
    rest = b2b_client.organizations.members.search(
        organization_ids=[first, second], cursor=page.results_metadata.next_cursor
    )
    assert [m.member_id for m in page.members + rest.members] == ids[:3]
    assert error_of(lambda: b2b_client.organizations.members.search(organization_ids=[])).error_type == (
        "invalid_argument"
    )


def test_pending_and_invited_members_become_active_on_login(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    org = organization_id(b2b_client)
    email = f"pending@{new_domain()}"
    member = b2b_client.organizations.members.create(
        organization_id=org, email_address=email, create_member_as_pending=True
    )
    assert member.member.status == "pending"
    sent = b2b_client.magic_links.email.login_or_signup(organization_id=org, email_address=email)
    mail.sent(email)
    assert sent.member_created is False
    message_token = mail.token(email)
    auth = b2b_client.magic_links.authenticate(magic_links_token=message_token, session_duration_minutes=30)
    assert auth.member.status == "active" and auth.member.email_address_verified is True
    assert auth.member_session is not None
    lifetime = auth.member_session.expires_at - auth.member_session.started_at
    assert abs(lifetime.total_seconds() - 1800) < 5
    # A deleted member's outstanding links die with it.
    token = mail.login_token(org, email)
    b2b_client.organizations.members.delete(organization_id=org, member_id=auth.member_id)
    assert error_of(lambda: b2b_client.magic_links.authenticate(magic_links_token=token)).error_type == (
        "unable_to_auth_magic_link"
    )
    assert error_of(
        lambda: b2b_client.sessions.authenticate(session_token=auth.session_token)
    ).error_type == ("session_not_found")
