"""keystile's hosted login page (`/login/{public_token}`) in Chromium, for an app with no frontend code:
the page mounts Stytch's pre-built UI from keystile's vendored copy of `@stytch/vanilla-js`; the
typed address gets a magic link to the app's allowlisted URL, where the app's backend (the official
Python SDK) authenticates the token and greets the new user."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import save_screenshot
from tests.e2e.conftest import sdk_enabled_project
from tests.e2e.vanilla import HOST, backend_of, link_in_dev_inbox
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project, free_port


class BackendOnlyApp(BaseHTTPRequestHandler):
    """An app's backend, no frontend code: `/authenticate` redeems the link's token with its secret."""

    backend: stytch.Client

    def do_GET(self) -> None:
        token = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
        signed_in = self.backend.magic_links.authenticate(token=token, session_duration_minutes=60)
        body = f"<h1>Welcome {signed_in.user.emails[0].email}</h1>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def backend_only_app(tls_keystile: KeystileServer) -> Iterator[tuple[str, Project]]:
    """The app's origin, and its project: made by the CLI, its SDK on (no authorized domain needed)."""
    port = free_port()
    origin = f"http://localhost:{port}"
    project = sdk_enabled_project(tls_keystile, origin, "consumer", "/authenticate")
    handler = type("App", (BackendOnlyApp,), {"backend": backend_of(tls_keystile, project, stytch.Client)})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield origin, project
    server.shutdown()


def test_the_hosted_login_page_signs_a_user_into_an_app_without_frontend_code(
    tls_keystile: KeystileServer, backend_only_app: tuple[str, Project], sdk_page: Page, tmp_path: Path
) -> None:
    failed: list[str] = []
    sdk_page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    app_origin, project = backend_only_app
    email = new_address("hosted")

    sdk_page.goto(f"https://{HOST}/login/{project.public_token}?redirect_url={app_origin}/authenticate")
    expect(sdk_page).to_have_title("Log in to vanilla")
    expect(sdk_page.get_by_text("Sign up or log in")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "hosted-login")
    sdk_page.get_by_placeholder("example@email.com").fill(email)
    sdk_page.get_by_role("button", name="Continue with email").click()
    expect(sdk_page.get_by_text("Check your email")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "hosted-login-link-sent")

    link = link_in_dev_inbox(tls_keystile, project.project_id, project.secret, email)
    assert link.startswith(f"{app_origin}/authenticate?stytch_token_type=magic_links&token=")
    sdk_page.goto(link)
    expect(sdk_page.get_by_role("heading")).to_have_text(f"Welcome {email}")
    save_screenshot(sdk_page, tmp_path, "hosted-login-signed-in")
    assert [request for request in failed if HOST in request] == []
