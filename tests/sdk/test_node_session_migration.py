"""`sessions.migrate` through the official Node SDK, against a loopback userinfo endpoint."""

from __future__ import annotations

from tests.sdk.test_session_migration import configure, userinfo
from tests.support.loopback_json import loopback_json
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project


def test_migrate(server: KeystileServer, project: Project) -> None:
    with loopback_json({"/userinfo": userinfo}) as provider:
        configure(server, project, provider)
        steps = run_node_scenario(server, project, "session_migration")["steps"]
    migrated = steps["migrate"]
    assert migrated["status_code"] == 200
    assert migrated["user_id"] == steps["user"]["user_id"]
    [factor] = migrated["session"]["authentication_factors"]
    assert (factor["type"], factor["delivery_method"]) == ("imported", "imported_auth0")
    assert steps["authenticate"]["session"]["session_id"] == migrated["session"]["session_id"]
    assert (steps["refused"]["status_code"], steps["refused"]["error_type"]) == (
        401,
        "unable_to_migrate_session",
    )
