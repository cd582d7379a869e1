"""RBAC policies as pure values: Stytch's defaults, validation of a policy document and of an
organization's custom roles, and evaluation of roles against a policy."""

from __future__ import annotations

from typing import Any

import pytest

from keystile.errors import KeystileError
from keystile.rbac import defaults, service
from keystile.rbac.model import policy_of
from keystile.rbac.validation import parse_organization_roles, parse_policy

DOCUMENTS = {
    "resources": [
        {"resource_id": "documents", "description": "Docs", "actions": ["read", "write", "delete"]}
    ],
    "roles": [
        {
            "role_id": "editor",
            "description": "Edits",
            "permissions": [{"resource_id": "documents", "actions": ["read", "write"]}],
        },
        {
            "role_id": "owner",
            "description": "",
            "permissions": [{"resource_id": "documents", "actions": ["*"]}],
        },
    ],
    "scopes": [
        {
            "scope": "read:docs",
            "description": "",
            "permissions": [{"resource_id": "documents", "actions": ["read"]}],
        }
    ],
}


def refused(document: Any, vertical: str = "b2b") -> str:
    with pytest.raises(KeystileError) as caught:
        parse_policy(document, vertical)
    assert caught.value.error_type == "invalid_rbac_policy" and caught.value.status_code == 400
    return caught.value.error_message


def test_stytch_default_b2b_policy() -> None:
    policy = defaults.default_policy("b2b")
    assert [r.resource_id for r in policy.resources] == [
        "stytch.organization",
        "stytch.member",
        "stytch.sso",
        "stytch.self",
        "stytch.scim",
        "stytch.custom-org-roles",
    ]
    assert policy.permits(["stytch_admin"], "stytch.member", "delete")
    assert policy.permits(["stytch_member"], "stytch.self", "update.info.name")
    assert not policy.permits(["stytch_member"], "stytch.member", "delete")
    assert not policy.permits(["stytch_member"], "stytch.self", "update.settings.mfa-enrolled")
    assert [r.role_id for r in defaults.default_policy("consumer").roles] == ["stytch_user"]


def test_a_policy_document_keeps_stytch_defaults_and_round_trips() -> None:
    policy = parse_policy(DOCUMENTS, "b2b")
    assert [r.role_id for r in policy.roles] == ["stytch_member", "stytch_admin", "editor", "owner"]
    assert policy.permits(["editor"], "documents", "write") and not policy.permits(
        ["editor"], "documents", "delete"
    )
    assert policy.permits(["owner"], "documents", "delete")
    assert policy_of(policy.document()) == policy
    assert parse_policy(policy.document(), "b2b") == policy
    custom_admin = {"roles": [{"role_id": "stytch_admin", "description": "", "permissions": []}]}
    assert not parse_policy(custom_admin, "b2b").permits(["stytch_admin"], "stytch.member", "delete")
    consumer = parse_policy(DOCUMENTS, "consumer")
    assert [r.role_id for r in consumer.roles] == ["stytch_user", "editor", "owner"]


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ([], "JSON object"),
        ({"resources": "x"}, "list"),
        (
            {"roles": [{"role_id": "r", "permissions": [{"resource_id": "missing", "actions": ["read"]}]}]},
            "'missing'",
        ),
        (
            {
                **DOCUMENTS,
                "roles": [
                    {"role_id": "r", "permissions": [{"resource_id": "documents", "actions": ["fly"]}]}
                ],
            },
            "'fly'",
        ),
        (
            {
                **DOCUMENTS,
                "roles": [
                    {"role_id": "r", "permissions": [{"resource_id": "documents", "actions": ["*", "read"]}]}
                ],
            },
            "only action",
        ),
        (
            {
                **DOCUMENTS,
                "roles": [{"role_id": "r", "permissions": [{"resource_id": "documents", "actions": []}]}],
            },
            "no action",
        ),
        ({"resources": [{"resource_id": "stytch.member", "actions": ["create"]}]}, "Stytch's own"),
        ({"resources": [{"resource_id": "stytchy", "actions": []}]}, "Stytch's own"),
        ({"roles": [{"role_id": "stytch_root", "permissions": []}]}, "Stytch's own"),
        ({"resources": [*DOCUMENTS["resources"], *DOCUMENTS["resources"]]}, "twice"),
        ({"roles": [{"role_id": "a b", "permissions": []}]}, "letters"),
        ({"resources": [{"resource_id": "d", "actions": ["*"]}]}, "'*'"),
        ({"resources": [{"resource_id": "d", "description": 5, "actions": []}]}, "text"),
        ({"roles": [{"role_id": f"r{n}", "permissions": []} for n in range(101)]}, "at most 100"),
    ],
)
def test_bad_policies_are_refused_saying_why(document: Any, says: str) -> None:
    assert says in refused(document)


def test_organization_custom_roles() -> None:
    project = parse_policy(DOCUMENTS, "b2b")
    roles = parse_organization_roles(
        {
            "roles": [
                {
                    "role_id": "auditor",
                    "description": "",
                    "permissions": [{"resource_id": "documents", "actions": ["read"]}],
                }
            ]
        },
        project,
    )
    merged = project.with_roles(roles)
    assert merged.permits(["auditor"], "documents", "read") and not project.permits(
        ["auditor"], "documents", "read"
    )
    for clash in ("editor", "stytch_admin"):
        with pytest.raises(KeystileError) as caught:
            parse_organization_roles({"roles": [{"role_id": clash, "permissions": []}]}, project)
        assert "already defined" in caught.value.error_message


def test_checks_tell_unknown_actions_from_refusals() -> None:
    policy = parse_policy(DOCUMENTS, "b2b")
    service.check_authorization(
        policy, ["editor"], "documents", "read", refusal="session_authorization_error"
    )
    for resource, action, expected in (
        ("documents", "delete", "session_authorization_error"),
        ("documents", "fly", "invalid_authorization_check"),
        ("nothing", "read", "invalid_authorization_check"),
    ):
        with pytest.raises(KeystileError) as caught:
            service.check_authorization(
                policy, ["editor"], resource, action, refusal="session_authorization_error"
            )
        assert caught.value.error_type == expected
    with pytest.raises(KeystileError) as unknown:
        service.check_role_ids(policy, ["editor", "ghost"])
    assert unknown.value.error_type == "invalid_rbac_role_id" and "'ghost'" in unknown.value.error_message
