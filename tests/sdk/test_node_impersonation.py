"""`impersonation.authenticate` through the official Node SDK."""

from __future__ import annotations

import stytch

from tests.sdk.test_impersonation import mint
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project


def test_impersonate(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    user = client.users.create(email="node-impersonated@example.com")
    minted = mint(server, "users", "impersonate", "--project", project.project_id, "--user-id", user.user_id)
    steps = run_node_scenario(
        server, project, "impersonation", IMPERSONATION_TOKEN=minted["impersonation_token"]
    )["steps"]
    signed_in = steps["authenticate"]
    assert (signed_in["status_code"], signed_in["user_id"]) == (200, user.user_id)
    [factor] = signed_in["session"]["authentication_factors"]
    assert factor["type"] == "impersonated"
    assert factor["impersonated_factor"] == {
        "impersonator_id": "support-7",
        "impersonator_email_address": "grace@support.example",
    }
    assert (steps["again"]["status_code"], steps["again"]["error_type"]) == (
        401,
        "unable_to_auth_impersonation_token",
    )
