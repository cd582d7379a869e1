"""keystile's hosted login page (`/login/{public_token}`) in Chromium, for apps with no frontend code:
the page mounts Stytch's pre-built UI from keystile's vendored copy of `@stytch/vanilla-js`; the
typed address gets a magic link to the app's allowlisted URL, where the app's backend (the official
Python SDK) authenticates the token and greets the new user; for a B2B app, a discovery link, which
the backend exchanges for a member session in the address's organization."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import save_screenshot
from tests.e2e.conftest import sdk_enabled_project
from tests.e2e.vanilla import HOST, backend_of, link_in_dev_inbox
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project, free_port


def consumer_sign_in(backend: stytch.Client, token: str) -> str:
    signed_in = backend.magic_links.authenticate(token=token, session_duration_minutes=60)
    return f"Welcome {signed_in.user.emails[0].email}"


def b2b_sign_in(backend: stytch.B2BClient, token: str) -> str:
    """Discovery, then the member session in the address's (only) organization."""
    found = backend.magic_links.discovery.authenticate(discovery_magic_links_token=token)
    organization = found.discovered_organizations[0].organization
    assert organization is not None
    entered = backend.discovery.intermediate_sessions.exchange(
        intermediate_session_token=found.intermediate_session_token,
        organization_id=organization.organization_id,
    )
    return f"Welcome {entered.member.email_address} to {entered.organization.organization_name}"


class BackendOnlyApp(BaseHTTPRequestHandler):
    """An app's backend, no frontend code: `/authenticate` redeems the link's token with its secret."""

    sign_in: Callable[[str], str]

    def do_GET(self) -> None:
        token = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
        body = f"<h1>{self.sign_in(token)}</h1>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def backend_only_app(keystile: KeystileServer, vertical: str) -> Iterator[tuple[str, Project]]:
    """The app's origin, and its project: made by the CLI, its SDK on (no authorized domain needed)."""
    port = free_port()
    origin = f"http://localhost:{port}"
    project = sdk_enabled_project(keystile, origin, vertical, "/authenticate")
    if vertical == "b2b":
        sign_in = partial(b2b_sign_in, backend_of(keystile, project, stytch.B2BClient))
    else:
        sign_in = partial(consumer_sign_in, backend_of(keystile, project, stytch.Client))
    handler = type("App", (BackendOnlyApp,), {"sign_in": staticmethod(sign_in)})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield origin, project
    finally:
        server.shutdown()


def log_in_on_hosted_page(
    page: Page, keystile: KeystileServer, project: Project, app_origin: str, email: str, tmp_path: Path
) -> None:
    """Email magic link on the hosted page, then the link opened: the app's page after its backend ran."""
    page.goto(f"https://{HOST}/login/{project.public_token}?redirect_url={app_origin}/authenticate")
    expect(page).to_have_title("Log in to vanilla")
    expect(page.get_by_text("Sign up or log in")).to_be_visible()
    save_screenshot(page, tmp_path, f"hosted-login-{project.vertical}")
    page.get_by_placeholder("example@email.com").fill(email)
    page.get_by_role("button", name="Continue with email").click()
    expect(page.get_by_text("Check your email")).to_be_visible()
    save_screenshot(page, tmp_path, f"hosted-login-{project.vertical}-link-sent")
    link = link_in_dev_inbox(keystile, project.project_id, project.secret, email)
    assert link.startswith(f"{app_origin}/authenticate?stytch_token_type=")
    page.goto(link)


def test_the_hosted_login_page_signs_a_user_into_an_app_without_frontend_code(
    tls_keystile: KeystileServer, sdk_page: Page, tmp_path: Path
) -> None:
    failed: list[str] = []
    sdk_page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    email = new_address("hosted")
    with backend_only_app(tls_keystile, "consumer") as (app_origin, project):
        log_in_on_hosted_page(sdk_page, tls_keystile, project, app_origin, email, tmp_path)
        expect(sdk_page.get_by_role("heading")).to_have_text(f"Welcome {email}")
    save_screenshot(sdk_page, tmp_path, "hosted-login-consumer-signed-in")
    assert [request for request in failed if HOST in request] == []


def test_the_hosted_login_page_signs_a_member_into_a_b2b_app_without_frontend_code(
    tls_keystile: KeystileServer, sdk_page: Page, tmp_path: Path
) -> None:
    failed: list[str] = []
    sdk_page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    email = f"ada@{uuid.uuid4().hex[:10]}.example.com"
    with backend_only_app(tls_keystile, "b2b") as (app_origin, project):
        backend = backend_of(tls_keystile, project, stytch.B2BClient)
        organization = backend.organizations.create(organization_name="Acme Rockets").organization
        backend.organizations.members.create(
            organization_id=organization.organization_id, email_address=email
        )
        log_in_on_hosted_page(sdk_page, tls_keystile, project, app_origin, email, tmp_path)
        expect(sdk_page.get_by_role("heading")).to_have_text(f"Welcome {email} to Acme Rockets")
    save_screenshot(sdk_page, tmp_path, "hosted-login-b2b-signed-in")
    assert [request for request in failed if HOST in request] == []
