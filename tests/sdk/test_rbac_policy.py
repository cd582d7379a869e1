"""RBAC policies through the official SDKs: `keystile rbac policy set|show` round trips with what the
Python and Node SDKs read from `rbac.policy`; organizations' custom roles through
`rbac.organizations`; bad policies refused with a clear 400."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import stytch

from tests.support.b2b_mail import error_of
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project

POLICY: dict[str, Any] = {
    "resources": [
        {"resource_id": "documents", "description": "Docs", "actions": ["read", "write", "delete"]}
    ],
    "roles": [
        {
            "role_id": "editor",
            "description": "Edits documents",
            "permissions": [{"resource_id": "documents", "actions": ["read", "write"]}],
        }
    ],
    "scopes": [
        {
            "scope": "read:docs",
            "description": "",
            "permissions": [{"resource_id": "documents", "actions": ["read"]}],
        }
    ],
}
AUDITOR = {
    "role_id": "auditor",
    "description": "Reads documents",
    "permissions": [{"resource_id": "documents", "actions": ["read"]}],
}


def set_policy(server: KeystileServer, project: Project, document: object, tmp_path: Path) -> Any:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document))
    return server.cli("rbac", "policy", "set", "--project", project.project_id, str(path))


def test_b2b_policy_round_trip_through_the_cli_and_the_sdks(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, tmp_path: Path
) -> None:
    default = b2b_client.rbac.policy().policy
    assert default is not None
    assert {r.resource_id for r in default.resources} >= {"stytch.member", "stytch.self", "stytch.scim"}
    assert [r.role_id for r in default.roles] == ["stytch_member", "stytch_admin"]

    done = set_policy(server, b2b_project, POLICY, tmp_path)
    assert done.returncode == 0, done.stderr
    shown = server.cli_json("rbac", "policy", "show", "--project", b2b_project.project_id)
    policy = b2b_client.rbac.policy().policy
    assert policy is not None and policy.model_dump() == shown == json.loads(done.stdout)
    assert [r.role_id for r in policy.roles] == ["stytch_member", "stytch_admin", "editor"]
    assert policy.resources[-1].resource_id == "documents" and policy.scopes[0].scope == "read:docs"

    org = b2b_client.organizations.create(organization_name="Custom Roles").organization
    assert org.custom_roles == []
    assert b2b_client.rbac.organizations.get_org_policy(org.organization_id).org_policy.roles == []
    updated = b2b_client.rbac.organizations.set_org_policy(org.organization_id, {"roles": [AUDITOR]})
    assert [role.role_id for role in updated.org_policy.roles] == ["auditor"]
    by_slug = b2b_client.rbac.organizations.get_org_policy(org.organization_slug).org_policy
    assert by_slug.model_dump() == {"roles": [AUDITOR]}
    shown_org = b2b_client.organizations.get(org.organization_id).organization
    assert [role.model_dump() for role in shown_org.custom_roles] == [AUDITOR]
    listed = b2b_client.organizations.search(query={"operator": "AND", "operands": []}).organizations
    assert (
        next(o for o in listed if o.organization_id == org.organization_id).custom_roles
        == shown_org.custom_roles
    )

    node = run_node_scenario(server, b2b_project, "rbac", RBAC_ORGANIZATION=org.organization_id)["steps"]
    assert node["policy"]["policy"] == shown
    assert node["org_policy"]["org_policy"] == {"roles": [AUDITOR]}
    assert node["set_clashing_role"]["error_type"] == "invalid_rbac_policy"


def test_bad_policies_are_refused_with_a_clear_400(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, tmp_path: Path
) -> None:
    missing = {"roles": [{"role_id": "x", "permissions": [{"resource_id": "invoices", "actions": ["read"]}]}]}
    done = set_policy(server, b2b_project, missing, tmp_path)
    assert done.returncode == 1 and "invalid_rbac_policy" in done.stderr and "'invoices'" in done.stderr
    assert [r.role_id for r in b2b_client.rbac.policy().policy.roles] == ["stytch_member", "stytch_admin"]  # type: ignore[union-attr]
    bad_action = {
        **POLICY,
        "roles": [{"role_id": "x", "permissions": [{"resource_id": "documents", "actions": ["fly"]}]}],
    }
    assert "'fly'" in set_policy(server, b2b_project, bad_action, tmp_path).stderr
    unknown = server.cli(
        "rbac", "policy", "show", "--project", "project-test-00000000-0000-4000-8000-000000000000"
    )
    assert unknown.returncode == 1 and "project_not_found" in unknown.stderr

    org = b2b_client.organizations.create(organization_name="Bad Roles").organization.organization_id
    for org_policy, says in (
        ({"roles": [{"role_id": "stytch_admin", "permissions": []}]}, "already defined"),
        ({"roles": [AUDITOR]}, "'documents'"),  # the project defines no such resource
        ({"roles": "auditor"}, "list"),
    ):
        details = error_of(lambda: b2b_client.rbac.organizations.set_org_policy(org, org_policy))  # noqa: B023
        assert (details.status_code, details.error_type) == (
            400,
            "invalid_rbac_policy",
        ) and says in details.error_message
    assert (
        error_of(lambda: b2b_client.rbac.organizations.get_org_policy("nope")).error_type
        == "organization_not_found"
    )


def test_consumer_policy(
    server: KeystileServer, project: Project, client: stytch.Client, tmp_path: Path
) -> None:
    default = client.rbac.policy().policy
    assert (
        default is not None
        and [r.role_id for r in default.roles] == ["stytch_user"]
        and default.resources == []
    )
    assert set_policy(server, project, POLICY, tmp_path).returncode == 0
    policy = client.rbac.policy().policy
    assert policy is not None and [r.role_id for r in policy.roles] == ["stytch_user", "editor"]
