"""Admin calls made with a member's session (the Python SDK's `method_options=Authorization(...)`): each
is allowed only when the member's roles grant its action on the policy in force. A `stytch_member` is
refused with Stytch's 403 `session_authorization_error` and nothing is written; a `stytch_admin` may;
a project role granting one action allows that action alone. A member delete also through the Node
SDK."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import stytch
from stytch.b2b.models import organizations as org_models
from stytch.b2b.models import organizations_members as member_models
from stytch.b2b.models.magic_links_email import InviteRequestOptions
from stytch.b2b.models.sessions import RevokeRequestOptions
from stytch.shared.method_options import Authorization

from tests.sdk.test_rbac_policy import set_policy
from tests.support.b2b_mail import Mailbox, error_of, new_domain
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

Call = Callable[[Any], object]  # given a login (its session), makes the call with it


def as_(options: type[Any], login: Any) -> Any:
    return options(authorization=Authorization(session_token=login.session_token))


def organization(client: stytch.B2BClient, domain: str) -> str:
    return str(
        client.organizations.create(
            organization_name="Acting Co",
            organization_external_id=f"ext-{domain}",
            email_jit_provisioning="RESTRICTED",
            email_invites="RESTRICTED",
            email_allowed_domains=[domain],
        ).organization.organization_id
    )


def admin_calls(client: stytch.B2BClient, org: str, domain: str, victim: str, gone: str) -> dict[str, Call]:
    """Each admin call the SDK makes with a member session, on `victim` (or the deleted `gone`)."""
    members = client.organizations.members
    return {
        "update organization": lambda who: client.organizations.update(
            org, organization_name="Renamed", method_options=as_(org_models.UpdateRequestOptions, who)
        ),
        "delete organization external id": lambda who: client.organizations.delete_external_id(
            org, method_options=as_(org_models.DeleteExternalIdRequestOptions, who)
        ),
        "create member": lambda who: members.create(
            org, f"new@{domain}", method_options=as_(member_models.CreateRequestOptions, who)
        ),
        "invite member": lambda who: client.magic_links.email.invite(
            org, f"invited@{domain}", method_options=as_(InviteRequestOptions, who)
        ),
        "update member": lambda who: members.update(
            org, victim, name="Renamed", method_options=as_(member_models.UpdateRequestOptions, who)
        ),
        "search members": lambda who: members.search(
            [org], method_options=as_(member_models.SearchRequestOptions, who)
        ),
        "delete mfa phone": lambda who: members.delete_mfa_phone_number(
            org, victim, method_options=as_(member_models.DeleteMFAPhoneNumberRequestOptions, who)
        ),
        "reactivate member": lambda who: members.reactivate(
            org, gone, method_options=as_(member_models.ReactivateRequestOptions, who)
        ),
        "revoke member sessions": lambda who: client.sessions.revoke(
            member_id=victim, method_options=as_(RevokeRequestOptions, who)
        ),
        "delete member": lambda who: members.delete(
            org, victim, method_options=as_(member_models.DeleteRequestOptions, who)
        ),
    }


def snapshot(client: stytch.B2BClient, org: str) -> Any:
    """What the calls could change: the organization and its members (deleted ones too)."""
    every_status = {"filter_name": "statuses", "filter_value": ["active", "deleted", "invited", "pending"]}
    found = client.organizations.members.search([org], query={"operator": "AND", "operands": [every_status]})
    return client.organizations.get(org).organization, sorted(
        (m.member_id, m.status, m.name, m.mfa_phone_number) for m in found.members
    )


def test_stytch_member_refused_and_stytch_admin_allowed(
    b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = organization(b2b_client, domain)
    members = b2b_client.organizations.members
    members.create(org, f"boss@{domain}", roles=["stytch_admin"])
    victim = members.create(org, f"victim@{domain}", mfa_phone_number="+12025550123").member_id
    gone = members.create(org, f"gone@{domain}").member_id
    members.delete(org, gone)
    plain, boss = mail.log_in(org, f"plain@{domain}"), mail.log_in(org, f"boss@{domain}")
    calls = admin_calls(b2b_client, org, domain, victim, gone)

    before = snapshot(b2b_client, org)
    for name, call in calls.items():
        details = error_of(lambda call=call: call(plain))
        assert (details.status_code, details.error_type) == (403, "session_authorization_error"), name
    assert snapshot(b2b_client, org) == before
    assert (
        error_of(
            lambda: b2b_client.organizations.delete(
                org, method_options=as_(org_models.DeleteRequestOptions, plain)
            )
        ).error_type
        == "session_authorization_error"
    )

    for name, call in calls.items():
        assert call(boss) is not None, name
    organization_after = b2b_client.organizations.get(org).organization
    assert organization_after.organization_name == "Renamed"
    assert organization_after.organization_external_id in (None, "")
    assert members.get(org, email_address=f"new@{domain}").member.status == "active"
    assert members.get(org, member_id=gone).member.status == "active"
    assert error_of(lambda: members.get(org, member_id=victim)).error_type == "member_not_found"

    # What stytch_member's stytch.self permissions allow: acting on itself.
    renamed = members.update(
        org, plain.member_id, name="Me", method_options=as_(member_models.UpdateRequestOptions, plain)
    )
    assert renamed.member.name == "Me"
    members.delete(org, plain.member_id, method_options=as_(member_models.DeleteRequestOptions, plain))
    assert error_of(lambda: members.get(org, member_id=plain.member_id)).error_type == "member_not_found"

    b2b_client.organizations.delete(org, method_options=as_(org_models.DeleteRequestOptions, boss))
    assert error_of(lambda: b2b_client.organizations.get(org)).error_type == "organization_not_found"


def test_a_custom_role_grants_exactly_its_actions(
    server: KeystileServer,
    b2b_project: Project,
    b2b_client: stytch.B2BClient,
    smtp_sink: SmtpSink,
    tmp_path: Path,
) -> None:
    remover = {
        "role_id": "remover",
        "description": "Removes members",
        "permissions": [{"resource_id": "stytch.member", "actions": ["delete"]}],
    }
    assert set_policy(server, b2b_project, {"roles": [remover]}, tmp_path).returncode == 0
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = organization(b2b_client, domain)
    members = b2b_client.organizations.members
    members.create(org, f"remover@{domain}", roles=["remover"])
    victim = members.create(org, f"victim@{domain}").member_id
    login = mail.log_in(org, f"remover@{domain}")

    assert (
        error_of(
            lambda: members.update(
                org, victim, name="x", method_options=as_(member_models.UpdateRequestOptions, login)
            )
        ).error_type
        == "session_authorization_error"
    )
    assert (
        members.delete(org, victim, method_options=as_(member_models.DeleteRequestOptions, login)).member_id
        == victim
    )


def test_member_delete_through_the_node_sdk(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = organization(b2b_client, domain)
    b2b_client.organizations.members.create(org, f"boss@{domain}", roles=["stytch_admin"])
    victim = b2b_client.organizations.members.create(org, f"victim@{domain}").member_id
    plain, boss = mail.log_in(org, f"plain@{domain}"), mail.log_in(org, f"boss@{domain}")
    steps = run_node_scenario(
        server,
        b2b_project,
        "member_session_delete",
        ORGANIZATION=org,
        VICTIM=victim,
        PLAIN_TOKEN=plain.session_token,
        ADMIN_JWT=boss.session_jwt,
    )["steps"]
    assert (steps["member_refused"]["status_code"], steps["member_refused"]["error_type"]) == (
        403,
        "session_authorization_error",
    )
    assert steps["still_there"]["member"]["status"] == "active"
    assert steps["admin_allowed"]["member_id"] == victim
    assert error_of(lambda: b2b_client.organizations.members.get(org, member_id=victim)).error_type == (
        "member_not_found"
    )
