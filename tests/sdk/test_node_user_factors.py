"""Detaching a user's factors, exchanging its primary factor, `debug.whoami` and `project.metrics`
through the official `stytch` Node SDK (tests/node) against a real server."""

from __future__ import annotations

from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project


def test_user_factors_and_project(server: KeystileServer, project: Project) -> None:
    steps = run_node_scenario(server, project, "user_factors")["steps"]
    user_id = steps["password_create"]["user_id"]

    deleted = steps["delete_password"]
    assert deleted["status_code"] == 200
    assert deleted["user_id"] == user_id
    assert deleted["user"]["password"] is None
    assert steps["delete_password_again"]["error_type"] == "password_not_found"
    assert steps["delete_password_again"]["status_code"] == 404

    assert steps["delete_totp"]["user"]["totps"] == []
    assert steps["delete_totp_unknown"]["error_type"] == "totp_not_found"

    assert steps["set_external_id"]["user"]["external_id"] == "node-legacy-1"
    cleared = steps["delete_external_id"]
    assert cleared["user_id"] == user_id
    assert cleared["user"]["external_id"] == ""
    assert steps["delete_external_id_unknown"]["error_type"] == "user_not_found"

    exchanged = steps["exchange"]["user"]
    assert exchanged["emails"] == []
    assert [p["phone_number"] for p in exchanged["phone_numbers"]] == ["+14155550190"]
    assert steps["exchange_none"]["error_type"] == "invalid_argument"
    assert steps["exchange_none"]["status_code"] == 400

    assert steps["whoami"]["project_id"] == project.project_id
    assert steps["whoami"]["name"] == "test"
    metrics = {m["metric_type"]: m["count"] for m in steps["metrics"]["metrics"]}
    assert metrics == {"USER_COUNT": 1, "M2M_CLIENT_COUNT": 0}
