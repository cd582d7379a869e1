"""The consumer Users API and the magic-link flow driven by the official `stytch` Node SDK (tests/node)
against a real server."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.support.magic_links import new_address, received_link, token_of
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

CUSTOM_ENV_WARNING = "[Stytch] Warning: Using a custom 'env' value"


def stytch_error(step: dict[str, Any], status_code: int, error_type: str) -> None:
    assert step["error_type"] == error_type, step
    assert step["status_code"] == status_code, step
    assert step["error_message"], step
    assert step["request_id"].startswith("request-id-test-"), step


def test_users(server: KeystileServer, project: Project) -> None:
    result = run_node_scenario(server, project, "users")
    steps = result["steps"]

    created = steps["create"]
    user_id = created["user_id"]
    assert created["status_code"] == 200
    assert user_id.startswith("user-test-")
    assert created["status"] == "active"
    assert created["email_id"].startswith("email-test-")
    assert created["user"]["emails"] == [
        {"email_id": created["email_id"], "email": "ada.lovelace@example.com", "verified": False}
    ]
    assert created["user"]["name"]["first_name"] == "Ada"
    assert created["user"]["untrusted_metadata"] == {"theme": "dark"}

    got = steps["get"]
    assert got["user_id"] == user_id
    assert got["name"] == {"first_name": "Ada", "middle_name": "", "last_name": "Lovelace"}
    assert got["emails"][0]["email"] == "ada.lovelace@example.com"
    assert got["untrusted_metadata"] == {"theme": "dark"}
    assert got["created_at"]

    updated = steps["update"]
    assert updated["user_id"] == user_id
    assert updated["user"]["untrusted_metadata"] == {"theme": "light", "visits": 2}
    assert updated["user"]["name"]["first_name"] == "Ada"
    assert updated["emails"] == created["user"]["emails"]

    search = steps["search"]
    assert [u["user_id"] for u in search["results"]] == [user_id]
    assert search["results"][0]["untrusted_metadata"] == {"theme": "light", "visits": 2}
    assert search["results_metadata"]["total"] == 1
    assert not search["results_metadata"]["next_cursor"]

    stytch_error(steps["get_missing"], 404, "user_not_found")
    assert steps["create_duplicate"]["error_type"] == "duplicate_email"
    assert 400 <= steps["create_duplicate"]["status_code"] < 500
    stytch_error(steps["wrong_secret"], 401, "unauthorized_credentials")

    assert steps["delete"]["user_id"] == user_id
    stytch_error(steps["get_deleted"], 404, "user_not_found")

    # What the SDK put on the wire, and that keystile answered it as the SDK expects.
    requests = result["requests"]
    assert [(r["method"], r["status"]) for r in requests] == [
        ("POST", 200),
        ("GET", 200),
        ("PUT", 200),
        ("POST", 200),
        ("GET", 404),
        ("POST", steps["create_duplicate"]["status_code"]),
        ("POST", 401),
        ("DELETE", 200),
        ("GET", 404),
    ]
    for sent in requests:
        assert sent["path"].startswith("/v1/users")
        assert sent["content_type"] == "application/json"  # on every method, GET included
        assert sent["user_agent"].startswith("Stytch Node v")
    delete = requests[7]
    assert (delete["path"], delete["body"]) == (f"/v1/users/{user_id}", {})
    get = requests[1]
    assert (get["body"], get["query"]) == (None, {})
    # The SDK accepts the http:// base URL and says so once per client on stderr.
    assert len(result["warnings"]) == 2
    assert all(w.startswith(CUSTOM_ENV_WARNING) for w in result["warnings"])
    assert server.base_url in result["warnings"][0]


def test_magic_link_flow(server: KeystileServer, project: Project, smtp_sink: SmtpSink) -> None:
    """login_or_create → mail → authenticate into a week-long session → gate by token and by JWT
    (verified locally by the SDK) → reusing the link fails → revoke → the session is gone."""
    email = new_address("node")
    sent = run_node_scenario(
        server, project, "magic_link_flow", MAGIC_LINK_PHASE="send", MAGIC_LINK_EMAIL=email
    )["steps"]["login_or_create"]
    assert sent["user_created"] is True
    assert sent["user_id"].startswith("user-test-") and sent["email_id"].startswith("email-test-")
    token = token_of(received_link(smtp_sink, email))

    result = run_node_scenario(
        server, project, "magic_link_flow", MAGIC_LINK_PHASE="authenticate", MAGIC_LINK_TOKEN=token
    )
    steps = result["steps"]
    auth = steps["authenticate"]
    assert (auth["user_id"], auth["method_id"]) == (sent["user_id"], sent["email_id"])
    assert auth["user"]["emails"] == [{"email_id": sent["email_id"], "email": email, "verified": True}]
    session = auth["session"]
    assert session["user_id"] == sent["user_id"]
    lifetime = datetime.fromisoformat(session["expires_at"]) - datetime.fromisoformat(session["started_at"])
    assert abs(lifetime.total_seconds() - 10080 * 60) < 5
    assert session["authentication_factors"][0]["email_factor"]["email_address"] == email

    gated = steps["session"]
    assert gated["user"]["user_id"] == sent["user_id"]
    assert gated["session"]["session_id"] == session["session_id"]
    assert gated["session_token"] == auth["session_token"]
    local = steps["jwt_local"]
    assert (local["session_id"], local["user_id"]) == (session["session_id"], sent["user_id"])
    assert local["roles"] == ["stytch_user"]

    stytch_error(steps["reuse"], 401, "unable_to_auth_magic_link")
    stytch_error(steps["session_after_revoke"], 404, "session_not_found")
    stytch_error(steps["jwt_after_revoke"], 404, "session_not_found")
    # The JWT was verified locally: it never reached /v1/sessions/authenticate before the revoke.
    assert [(r["path"], r["status"]) for r in result["requests"]] == [
        ("/v1/magic_links/authenticate", 200),
        ("/v1/sessions/authenticate", 200),
        ("/v1/magic_links/authenticate", 401),
        ("/v1/sessions/revoke", 200),
        ("/v1/sessions/authenticate", 404),
        ("/v1/sessions/authenticate", 404),
    ]
    assert result["requests"][0]["body"] == {"token": token, "session_duration_minutes": 10080}
