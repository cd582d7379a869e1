"""Members' roles through the official Python SDK: explicit roles must be defined by the project's
policy or the organization's custom roles (else Stytch's `invalid_rbac_role_id`, nothing written);
roles implied by the organization's email-domain assignments; each listed with its sources, carried
in the session JWT and granting authorization checks; the same roles and refusal through the Node SDK."""

from __future__ import annotations

import jwt
import stytch

from tests.sdk.test_rbac_policy import AUDITOR
from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

SESSION_CLAIM = "https://stytch.com/session"


def sources(member: object) -> dict[str, list[str]]:
    return {role.role_id: [source.type for source in role.sources] for role in member.roles}  # type: ignore[attr-defined]


def test_unknown_roles_are_refused_and_nothing_is_written(
    documents_policy: Project, b2b_client: stytch.B2BClient
) -> None:
    domain = new_domain()
    org = b2b_client.organizations.create(organization_name=domain).organization.organization_id
    members = b2b_client.organizations.members

    refused = error_of(
        lambda: members.create(organization_id=org, email_address=f"ada@{domain}", roles=["editor", "ghost"])
    )
    assert (refused.status_code, refused.error_type) == (400, "invalid_rbac_role_id")
    assert "'ghost'" in refused.error_message
    assert (
        error_of(lambda: members.get(organization_id=org, email_address=f"ada@{domain}")).error_type
        == "member_not_found"
    )

    # A role of the project's policy, or of this organization's custom roles, may be assigned.
    created = members.create(organization_id=org, email_address=f"ada@{domain}", roles=["editor"])
    assert sources(created.member) == {
        "stytch_member": ["direct_assignment"],
        "editor": ["direct_assignment"],
    }
    refused = error_of(
        lambda: members.update(
            organization_id=org, member_id=created.member_id, name="Changed", roles=["auditor"]
        )
    )
    assert refused.error_type == "invalid_rbac_role_id"
    unchanged = members.get(organization_id=org, member_id=created.member_id).member
    assert unchanged.name == "" and sources(unchanged) == sources(created.member)
    b2b_client.rbac.organizations.set_org_policy(org, {"roles": [AUDITOR]})
    updated = members.update(
        organization_id=org, member_id=created.member_id, roles=["auditor", "stytch_admin"]
    )
    assert sources(updated.member) == {
        "stytch_member": ["direct_assignment"],
        "auditor": ["direct_assignment"],
        "stytch_admin": ["direct_assignment"],
    }
    assert updated.member.is_admin is True
    # Another organization's custom roles are not this one's.
    other = b2b_client.organizations.create(organization_name=new_domain()).organization.organization_id
    assert (
        error_of(
            lambda: members.create(organization_id=other, email_address=f"bob@{domain}", roles=["auditor"])
        ).error_type
        == "invalid_rbac_role_id"
    )


def test_implicit_roles_by_email_domain(
    documents_policy: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    domain, outside = new_domain(), new_domain("elsewhere")
    org = b2b_client.organizations.create(
        organization_name=domain,
        email_jit_provisioning="RESTRICTED",
        email_allowed_domains=[domain, outside],
        rbac_email_implicit_role_assignments=[{"domain": domain, "role_id": "editor"}],
    ).organization.organization_id
    both = b2b_client.organizations.members.create(
        organization_id=org, email_address=f"both@{domain}", roles=["editor"]
    )
    assert sources(both.member) == {
        "stytch_member": ["direct_assignment"],
        "editor": ["direct_assignment", "email_assignment"],
    }
    email_role = next(role for role in both.member.roles if role.role_id == "editor").sources[1]
    assert email_role.details == {"email_domain": domain}

    mail = Mailbox(b2b_client, smtp_sink)
    insider, outsider = mail.log_in(org, f"jit@{domain}"), mail.log_in(org, f"jit@{outside}")
    assert sources(insider.member) == {"stytch_member": ["direct_assignment"], "editor": ["email_assignment"]}
    assert sources(outsider.member) == {"stytch_member": ["direct_assignment"]}
    claims = jwt.decode(insider.session_jwt, options={"verify_signature": False})
    assert claims[SESSION_CLAIM]["roles"] == ["stytch_member", "editor"]
    check = {"organization_id": org, "resource_id": "documents", "action": "write"}
    granted = b2b_client.sessions.authenticate(session_token=insider.session_token, authorization_check=check)
    assert granted.verdict is not None and granted.verdict.granting_roles == ["editor"]
    assert (
        error_of(
            lambda: b2b_client.sessions.authenticate(
                session_token=outsider.session_token, authorization_check=check
            )
        ).error_type
        == "session_authorization_error"
    )

    # Dropping the assignment drops the role from the member object and the next session JWT.
    b2b_client.organizations.update(organization_id=org, rbac_email_implicit_role_assignments=[])
    again = b2b_client.sessions.authenticate(session_token=insider.session_token)
    assert sources(again.member) == {"stytch_member": ["direct_assignment"]}
    assert jwt.decode(again.session_jwt, options={"verify_signature": False})[SESSION_CLAIM]["roles"] == [
        "stytch_member"
    ]


def test_explicit_implicit_and_unknown_roles_through_the_node_sdk(
    server: KeystileServer, documents_policy: Project, b2b_client: stytch.B2BClient
) -> None:
    domain = new_domain("node-roles")
    steps = run_node_scenario(server, documents_policy, "member_roles", RBAC_DOMAIN=domain)["steps"]
    expected = {
        "stytch_member": ["direct_assignment"],
        "stytch_admin": ["direct_assignment"],
        "editor": ["email_assignment"],
    }
    for shown in (steps["member_create"]["member"], steps["member_get"]["member"]):
        assert {role["role_id"]: [s["type"] for s in role["sources"]] for role in shown["roles"]} == expected
    unknown = steps["unknown_role"]
    assert (unknown["status_code"], unknown["error_type"]) == (400, "invalid_rbac_role_id")
    assert "'ghost'" in unknown["error_message"]
    org = steps["organization_create"]["organization"]["organization_id"]
    assert (
        error_of(
            lambda: b2b_client.organizations.members.get(organization_id=org, email_address=f"ghost@{domain}")
        ).error_type
        == "member_not_found"
    )
