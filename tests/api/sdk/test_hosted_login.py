"""The hosted login page (`GET /login/{public_token}`) over plain HTTP: the page and its vendored
script, configured from the project (consumer or B2B); the refusals (unknown token, a URL off the
allowlist, SDK off, magic links forbidden, oversized input); and the SDK calls its page makes, admitted as
same-origin without an authorized domain, while a cross-site caller still needs one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.support.magic_links import new_address
from tests.support.sdk_api import ORIGIN, basic, enable_sdk, error_type
from tests.support.server import KeystileServer, Project

VENDORED = Path(__file__).resolve().parents[3] / "keystile" / "ui" / "vendor"
CONFIG = re.compile(r'<script id="login-config" type="application/json">(.*?)</script>', re.S)


def page(server: KeystileServer, public_token: str, **query: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}login/{public_token}", params=query, timeout=30)


def test_the_page_mounts_the_vendored_ui_with_the_projects_settings(
    server: KeystileServer, project: Project
) -> None:
    enable_sdk(server, project)
    shown = page(server, project.public_token)
    assert shown.status_code == 200, shown.text
    assert shown.headers["content-type"].startswith("text/html")
    assert shown.headers["x-frame-options"] == "DENY"
    found = CONFIG.search(shown.text)
    assert found is not None
    # No redirect_url: the project's default login and signup URLs.
    config = json.loads(found.group(1))
    assert f"<title>Log in to {config['project_name']}</title>" in shown.text
    assert config == {
        "project_name": config["project_name"],
        "public_token": project.public_token,
        "vertical": "consumer",
        "email_magic_links_options": {
            "loginRedirectURL": f"{ORIGIN}/authenticate",
            "signupRedirectURL": f"{ORIGIN}/authenticate",
        },
    }
    assert '<script src="/login/static/stytch-vanilla-js.js">' in shown.text
    assert "cdn" not in shown.text.lower()
    script = httpx.get(f"{server.base_url}login/static/stytch-vanilla-js.js", timeout=30)
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.content == (VENDORED / "stytch-vanilla-js.js").read_bytes()
    assert "MIT License" in (VENDORED / "LICENSE").read_text()

    chosen = page(server, project.public_token, redirect_url=f"{ORIGIN}/authenticate")
    assert chosen.status_code == 200, chosen.text
    missing = httpx.get(f"{server.base_url}login/static/..%2F..%2Fapp.py", timeout=30)
    assert (missing.status_code, error_type(missing)) == (404, "route_not_found")


def test_a_b2b_projects_page_mounts_the_b2b_ui_in_its_discovery_flow(
    server: KeystileServer, b2b_project: Project
) -> None:
    enable_sdk(server, b2b_project)
    shown = page(server, b2b_project.public_token)
    assert shown.status_code == 200, shown.text
    found = CONFIG.search(shown.text)
    assert found is not None
    config = json.loads(found.group(1))
    assert (config["vertical"], config["email_magic_links_options"]) == (
        "b2b",
        {"discoveryRedirectURL": f"{ORIGIN}/authenticate"},
    )
    assert '<script src="/login/static/stytch-vanilla-js-b2b.js">' in shown.text
    script = httpx.get(f"{server.base_url}login/static/stytch-vanilla-js-b2b.js", timeout=30)
    assert script.content == (VENDORED / "stytch-vanilla-js-b2b.js").read_bytes()


def test_bad_requests_for_the_page_are_refused_with_stytch_errors(
    server: KeystileServer, project: Project
) -> None:
    unknown = page(server, "public-token-test-nobody")
    assert (unknown.status_code, error_type(unknown)) == (401, "unauthorized_credentials")
    enable_sdk(server, project)
    for redirect_url, error in (
        ("https://evil.example/steal", "invalid_magic_link_url"),
        ("x" * 3000, "invalid_argument"),
    ):
        refused = page(server, project.public_token, redirect_url=redirect_url)
        assert (refused.status_code, error_type(refused)) == (400, error)
    enable_sdk(server, project, "--forbid-method", "magic_links")
    forbidden = page(server, project.public_token)
    assert (forbidden.status_code, error_type(forbidden)) == (403, "endpoint_not_authorized_for_sdk")


def test_a_disabled_sdk_has_no_page(server: KeystileServer, project: Project) -> None:
    disabled = page(server, project.public_token)
    assert (disabled.status_code, error_type(disabled)) == (403, "endpoint_not_authorized_for_sdk")


@pytest.mark.parametrize(
    ("headers", "admitted"),
    [
        # What Chromium sends from the hosted page: same-origin, and no Origin on a GET.
        ({"Sec-Fetch-Site": "same-origin"}, True),
        ({"Sec-Fetch-Site": "same-site", "Origin": "https://app.example"}, False),
        ({"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, False),
        ({}, False),
    ],
)
def test_the_hosted_pages_own_calls_need_no_authorized_domain(
    server: KeystileServer, project: Project, headers: dict[str, str], admitted: bool
) -> None:
    server.cli_json("projects", "sdk", "--project", project.project_id, "--enable", "--json")
    email = new_address("hosted")
    answer = httpx.post(
        f"{server.base_url}sdk/v1/magic_links/email/login_or_create",
        json={"email": email},
        headers={"Authorization": basic(project.public_token, project.public_token), **headers},
        timeout=30,
    )
    if admitted:
        assert answer.status_code == 200, answer.text
    else:
        assert (answer.status_code, error_type(answer)) == (400, "bad_domain_for_stytch_sdk")
        assert "access-control-allow-origin" not in answer.headers
