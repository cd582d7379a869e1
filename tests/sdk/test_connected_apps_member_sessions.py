"""Members' and organizations' Connected Apps calls made with a member session (the Python SDK's
`method_options`): Stytch's default policy lets a `stytch_member` list and revoke its own grants
through `stytch.self`, not another member's nor the organization's, and a `stytch_admin` do all."""

from __future__ import annotations

from typing import Any

import stytch
from stytch.b2b.models import organizations as org_models
from stytch.b2b.models import organizations_members as member_models
from stytch.b2b.models import organizations_members_connected_apps as grant_models
from stytch.shared.method_options import Authorization

from tests.support.b2b_mail import Mailbox, error_of, jit_organization, new_domain
from tests.support.connected_apps import seed_grant
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

REFUSED = (403, "session_authorization_error")


def as_(options: type[Any], login: Any) -> Any:
    return options(authorization=Authorization(session_token=login.session_token))


class Grants:
    """The Connected Apps calls of one organization, made with a member's session."""

    def __init__(self, client: stytch.B2BClient, org: str, app: str) -> None:
        self.client, self.org, self.app = client, org, app

    def of_member(self, who: Any, member_id: str) -> list[str]:
        listed = self.client.organizations.members.get_connected_apps(
            self.org, member_id, method_options=as_(member_models.GetConnectedAppsRequestOptions, who)
        )
        return [a.connected_app_id for a in listed.connected_apps]

    def revoke(self, who: Any, member_id: str) -> object:
        return self.client.organizations.members.connected_apps.revoke(
            self.org, member_id, self.app, method_options=as_(grant_models.RevokeRequestOptions, who)
        )

    def of_organization(self, who: Any) -> list[str]:
        listed = self.client.organizations.connected_apps(
            self.org, method_options=as_(org_models.ConnectedAppsRequestOptions, who)
        )
        return [a.connected_app_id for a in listed.connected_apps]

    def installs(self, who: Any) -> list[str]:
        one = self.client.organizations.get_connected_app(
            self.org, self.app, method_options=as_(org_models.GetConnectedAppRequestOptions, who)
        )
        return sorted(m.member_id for m in one.active_members)

    def holders(self) -> list[str]:
        """Who holds a grant, as the backend sees it."""
        one = self.client.organizations.get_connected_app(self.org, self.app)
        return sorted(m.member_id for m in one.active_members)


def test_default_policy_lists_the_connected_apps_actions(b2b_client: stytch.B2BClient) -> None:
    policy = b2b_client.rbac.policy().policy
    assert policy is not None
    actions = {r.resource_id: r.actions for r in policy.resources}
    assert "get.connected-apps" in actions["stytch.organization"]
    for resource in ("stytch.member", "stytch.self"):
        assert {"get.connected-apps", "revoke.connected-app"} <= set(actions[resource]), resource
    member_role = next(r for r in policy.roles if r.role_id == "stytch_member")
    on_self = next(p.actions for p in member_role.permissions if p.resource_id == "stytch.self")
    assert {"get.connected-apps", "revoke.connected-app"} <= set(on_self)


def test_a_member_reaches_its_own_grants_and_an_admin_every_grant(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain = new_domain()
    org = jit_organization(b2b_client, domain)
    b2b_client.organizations.members.create(org, f"boss@{domain}", roles=["stytch_admin"])
    plain, boss = mail.log_in(org, f"plain@{domain}"), mail.log_in(org, f"boss@{domain}")
    other = b2b_client.organizations.members.create(org, f"other@{domain}").member_id
    app = b2b_client.connected_app.clients.create(client_type="third_party", client_name="Docs").connected_app
    for member_id in (plain.member_id, other):
        seed_grant(
            server,
            b2b_project.project_id,
            subject_id=member_id,
            client_id=app.client_id,
            scopes=["openid"],
            organization_id=org,
        )
    grants = Grants(b2b_client, org, app.client_id)

    assert grants.of_member(plain, plain.member_id) == [app.client_id]
    refused = {
        "another member's grants": lambda: grants.of_member(plain, other),
        "revoking another member's grant": lambda: grants.revoke(plain, other),
        "the organization's apps": lambda: grants.of_organization(plain),
        "the organization's app": lambda: grants.installs(plain),
    }
    for name, call in refused.items():
        details = error_of(call)
        assert (details.status_code, details.error_type) == REFUSED, name
    assert grants.holders() == sorted([plain.member_id, other])
    grants.revoke(plain, plain.member_id)
    assert grants.of_member(plain, plain.member_id) == []

    assert grants.of_member(boss, other) == [app.client_id]
    assert grants.of_organization(boss) == [app.client_id]
    assert grants.installs(boss) == [other]
    grants.revoke(boss, other)
    assert grants.holders() == []


def test_an_admin_of_another_organization_is_refused(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    mail = Mailbox(b2b_client, smtp_sink)
    domain, elsewhere = new_domain(), new_domain()
    org, other_org = jit_organization(b2b_client, domain), jit_organization(b2b_client, elsewhere)
    member = b2b_client.organizations.members.create(org, f"member@{domain}").member_id
    b2b_client.organizations.members.create(other_org, f"boss@{elsewhere}", roles=["stytch_admin"])
    stranger = mail.log_in(other_org, f"boss@{elsewhere}")
    app = b2b_client.connected_app.clients.create(client_type="first_party").connected_app
    seed_grant(
        server,
        b2b_project.project_id,
        subject_id=member,
        client_id=app.client_id,
        scopes=["openid"],
        organization_id=org,
    )
    grants = Grants(b2b_client, org, app.client_id)

    for call in (
        lambda: grants.of_member(stranger, member),
        lambda: grants.revoke(stranger, member),
        lambda: grants.of_organization(stranger),
    ):
        assert error_of(call).error_type == "session_authorization_tenancy_error"
    assert grants.holders() == [member]
