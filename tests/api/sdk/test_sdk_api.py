"""The frontend SDK API (`/sdk/v1`) over plain HTTP, as vanilla-js sends it (HTTP Basic of the public
token, or of the public token and the session token once signed in, and the page's `Origin`): the
configuration CLI, CORS, and the refusals, which write nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from stytch.core.response_base import StytchError

from tests.support.magic_links import new_address
from tests.support.otps import emailed_code
from tests.support.sdk_api import (
    ORIGIN,
    PASSWORD,
    backend,
    basic,
    enable_sdk,
    error_type,
    sdk_call,
    users_with,
)
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink


def test_the_cli_configures_the_sdk_and_bootstrap_answers_the_authorized_origin_only(
    server: KeystileServer, project: Project
) -> None:
    shown = enable_sdk(server, project, "--forbid-method", "otps")
    assert shown == {
        "project_id": project.project_id,
        "enabled": True,
        "authorized_domains": [ORIGIN],
        "forbidden_methods": ["otps"],
    }
    answer = sdk_call(server, f"/projects/bootstrap/{project.public_token}", project)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["access-control-allow-credentials"] == "true"
    bootstrap = answer.json()["data"]
    assert bootstrap["vertical"] == "CONSUMER"
    assert bootstrap["captcha_settings"] == {"enabled": False}
    assert bootstrap["pkce_required_for_email_magic_links"] is False
    # The project's RBAC policy, as the backend reads it (vanilla-js's RBAC client caches it).
    policy = httpx.get(f"{server.base_url}v1/rbac/policy", auth=(project.project_id, project.secret))
    assert bootstrap["rbac_policy"] == policy.json()["policy"]

    preflight = httpx.options(
        f"{server.base_url}sdk/v1/passwords/authenticate",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-sdk-client,x-sdk-parent-host",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "x-sdk-client" in preflight.headers["access-control-allow-headers"].lower()

    elsewhere = "http://localhost:4000"
    refused_preflight = httpx.options(
        f"{server.base_url}sdk/v1/passwords/authenticate",
        headers={"Origin": elsewhere, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in refused_preflight.headers
    assert error_type(refused_preflight) == "bad_domain_for_stytch_sdk"

    removed = server.cli_json(
        "projects",
        "sdk",
        "--project",
        project.project_id,
        "--remove-authorized-domain",
        ORIGIN,
        "--allow-method",
        "otps",
        "--json",
    )
    assert removed == {**shown, "authorized_domains": [], "forbidden_methods": []}


def test_bad_configuration_is_refused(server: KeystileServer, project: Project) -> None:
    for args in (["--authorized-domain", "http://app.example.com"], ["--forbid-method", "everything"]):
        done = server.cli("projects", "sdk", "--project", project.project_id, *args)
        assert done.returncode == 1
        assert "invalid_argument" in done.stderr


def test_password_sign_in_reads_the_sessions_user_and_revokes_only_that_session(
    server: KeystileServer, project: Project
) -> None:
    enable_sdk(server, project)
    email = new_address("sdk")
    created = sdk_call(
        server, "/passwords", project, {"email": email, "password": PASSWORD, "session_duration_minutes": 60}
    )
    assert created.status_code == 200, created.text
    first = created.json()["data"]["session_token"]
    signed_in = sdk_call(
        server,
        "/passwords/authenticate",
        project,
        {"email": email, "password": PASSWORD, "session_duration_minutes": 60},
    )
    second = signed_in.json()["data"]["session_token"]
    me = sdk_call(server, "/users/me", project, session_token=second)
    assert me.status_code == 200, me.text
    assert me.json()["data"]["emails"][0]["email"] == email
    assert me.headers["access-control-allow-origin"] == ORIGIN

    revoked = sdk_call(server, "/sessions/revoke", project, {}, session_token=second)
    assert revoked.status_code == 200, revoked.text
    assert error_type(sdk_call(server, "/users/me", project, session_token=second)) == "session_not_found"
    assert backend(server, project).sessions.authenticate(session_token=first).session.user_id


def test_an_unauthorized_origin_is_refused_and_nothing_is_written(
    server: KeystileServer, project: Project
) -> None:
    enable_sdk(server, project)
    email = new_address("origin")
    for origin in ("http://localhost:4000", "https://evil.example"):
        refused = sdk_call(
            server, "/magic_links/email/login_or_create", project, {"email": email}, origin=origin
        )
        assert refused.status_code == 400
        assert error_type(refused) == "bad_domain_for_stytch_sdk"
        assert "access-control-allow-origin" not in refused.headers
    assert users_with(server, project, email) == 0


def test_a_disabled_sdk_and_a_forbidden_method_are_refused_and_nothing_is_written(
    server: KeystileServer, project: Project
) -> None:
    email = new_address("forbidden")
    body = {"email": email, "password": PASSWORD, "session_duration_minutes": 60}
    server.cli_json(
        "projects", "sdk", "--project", project.project_id, "--authorized-domain", ORIGIN, "--json"
    )
    disabled = sdk_call(server, "/passwords", project, body)
    assert (disabled.status_code, error_type(disabled)) == (403, "endpoint_not_authorized_for_sdk")
    # The origin is authorized: the browser may read the refusal.
    assert disabled.headers["access-control-allow-origin"] == ORIGIN

    enable_sdk(server, project, "--forbid-method", "create_users")
    for path in ("/passwords", "/magic_links/email/login_or_create"):
        forbidden = sdk_call(server, path, project, body)
        assert (forbidden.status_code, error_type(forbidden)) == (403, "endpoint_not_authorized_for_sdk")
    assert users_with(server, project, email) == 0


@pytest.mark.parametrize("use", ["secret", "project_id"])
def test_project_credentials_are_not_a_public_token(
    server: KeystileServer, project: Project, use: str
) -> None:
    enable_sdk(server, project)
    email = new_address("secret")
    user = project.project_id
    password = project.secret if use == "secret" else project.project_id
    response = httpx.post(
        f"{server.base_url}sdk/v1/passwords",
        json={"email": email, "password": PASSWORD},
        headers={"Authorization": basic(user, password), "Origin": ORIGIN},
    )
    assert (response.status_code, error_type(response)) == (401, "unauthorized_credentials")
    assert users_with(server, project, email) == 0


def test_another_projects_session_is_refused_and_left_alone(server: KeystileServer, project: Project) -> None:
    other = server.create_project()
    enable_sdk(server, project)
    enable_sdk(server, other)
    email = new_address("other")
    created = backend(server, other).passwords.create(
        email=email, password=PASSWORD, session_duration_minutes=60
    )
    foreign = created.session_token
    for path, body in (("/users/me", None), ("/sessions/authenticate", {}), ("/sessions/revoke", {})):
        refused = sdk_call(server, path, project, body, session_token=foreign)
        assert (refused.status_code, error_type(refused)) == (404, "session_not_found"), path
    with pytest.raises(StytchError):
        backend(server, project).users.get(user_id=created.user_id)
    assert backend(server, other).sessions.authenticate(session_token=foreign).user.user_id == created.user_id


def telemetry(public_token: str) -> dict[str, Any]:
    """One record of the batches vanilla-js's `EventLogger` posts, trimmed."""
    return {
        "telemetry": {"event_id": "event-1", "sdk": {"identifier": "Stytch.js Javascript SDK"}},
        "event": {"public_token": public_token, "event_name": "render_login_screen", "details": {}},
    }


def test_telemetry_is_accepted_from_an_authorized_origin_and_dropped(
    server: KeystileServer, project: Project
) -> None:
    enable_sdk(server, project)
    url = f"{server.base_url}sdk/v1/events"
    # As the SDK posts it: no Authorization header, the public token inside each event.
    batch = [telemetry(project.public_token)] * 2
    accepted = httpx.post(url, json=batch, headers={"Origin": ORIGIN})
    assert accepted.status_code == 200, accepted.text
    assert accepted.headers["access-control-allow-origin"] == ORIGIN
    assert accepted.json()["data"]["status_code"] == 200

    elsewhere = httpx.post(url, json=batch, headers={"Origin": "http://localhost:4000"})
    assert error_type(elsewhere) == "bad_domain_for_stytch_sdk"
    assert "access-control-allow-origin" not in elsewhere.headers
    other = server.create_project()
    mixed = httpx.post(url, json=[*batch, telemetry(other.public_token)], headers={"Origin": ORIGIN})
    assert error_type(mixed) == "unauthorized_credentials"
    malformed: list[object] = [[], [{"event": {}}], {"event": batch[0]["event"]}]
    for body in malformed:
        assert httpx.post(url, json=body, headers={"Origin": ORIGIN}).status_code == 400


def test_an_email_passcode_is_sent_and_authenticated_as_vanilla_js_does(
    server: KeystileServer, project: Project, smtp_sink: SmtpSink
) -> None:
    enable_sdk(server, project)
    email = new_address("sdk-otp")
    sent = sdk_call(
        server, "/otps/email/login_or_create", project, {"email": email, "expiration_minutes": 10}
    )
    assert sent.status_code == 200, sent.text
    # The SDK API names the email the code went to `method_id`; vanilla-js sends it back with the code
    # as `token`.
    method_id = sent.json()["data"]["method_id"]
    assert method_id == sent.json()["data"]["email_id"]
    body = {"token": emailed_code(smtp_sink, email), "method_id": method_id, "session_duration_minutes": 30}
    signed_in = sdk_call(server, "/otps/authenticate", project, body)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["data"]["user"]["emails"][0]["email"] == email
    replayed = sdk_call(server, "/otps/authenticate", project, body)
    assert error_type(replayed) == "unable_to_auth_otp_code"
