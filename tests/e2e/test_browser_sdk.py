"""Stytch's own browser SDK, the published `@stytch/vanilla-js` (tests/browser_sdk), in Chromium against
keystile over HTTPS on a host name: the headless client signs in by email magic link (the link read
from the dev inbox) and by password, reads `users.me` and `session.getTokens`, and the official Python
SDK accepts the resulting sessions on the backend."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import stytch
from cryptography.fernet import Fernet
from playwright.sync_api import Page, sync_playwright

from tests.e2e.apps import save_screenshot
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.support.certificates import key_and_certificate
from tests.support.magic_links import new_address, token_of
from tests.support.server import KeystileServer, Project, free_port

VANILLA_JS = Path(__file__).resolve().parents[1] / "browser_sdk" / "node_modules" / "@stytch" / "vanilla-js"
# What the page's customBaseUrl names; Chromium resolves it to the test's keystile.
HOST = "keystile.test"
PASSWORD = "correct-horse-battery-staple-9"
PAGE = """<!doctype html><html><head><title>vanilla-js against keystile</title>
<script src="/stytch.js"></script></head>
<body><h1>vanilla-js headless against keystile</h1><pre id="state">signed out</pre></body></html>"""


class PageFiles(SimpleHTTPRequestHandler):
    """The app's page and the SDK's browser build from node_modules (no CDN)."""

    def do_GET(self) -> None:
        if self.path == "/stytch.js":
            self._send((VANILLA_JS / "dist" / "iife" / "index.headless.js").read_bytes(), "text/javascript")
        else:
            self._send(PAGE.encode(), "text/html")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def app_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), partial(PageFiles, directory="/nonexistent"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def tls_keystile(run_dir: Path) -> Iterator[KeystileServer]:
    """keystile on SQLite with the dev inbox, over HTTPS with a throwaway certificate for HOST."""
    key, certificate = key_and_certificate(run_dir, HOST)
    env = {
        "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "KEYSTILE_OUTBOX_POLL_SECONDS": "0.1",
        "KEYSTILE_DEV_INBOX": "true",
    }
    server = KeystileServer(
        f"sqlite:///{run_dir / 'browser-sdk.db'}",
        run_dir / "keystile-browser-sdk.log",
        extra_env=env,
        tls=(certificate, key),
    ).start()
    yield server
    server.stop()


@pytest.fixture
def sdk_page(tls_keystile: KeystileServer, app_origin: str) -> Iterator[Page]:
    """Chromium on the app's page, HOST mapped to the test's keystile (its certificate trusted by no one)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/test does)", pytrace=False)
    mapping = f"--host-resolver-rules=MAP {HOST}:443 127.0.0.1:{tls_keystile.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, mapping, "--ignore-certificate-errors"]
        )
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(app_origin)
        yield page
        browser.close()


def link_in_dev_inbox(keystile: KeystileServer, project_id: str, secret: str, to: str) -> str:
    deadline = time.monotonic() + 15
    while True:
        messages = httpx.get(
            f"{keystile.base_url}dev/inbox.json", auth=(project_id, secret), verify=False
        ).json()
        links = [link for message in messages if message["to"] == to for link in message["links"]]
        if links:
            return str(links[0])
        assert time.monotonic() < deadline, f"no email to {to} in the dev inbox"
        time.sleep(0.1)


def in_page(page: Page, script: str, **args: Any) -> Any:
    """`script`, an async function body, run in the page with a client for `args["public_token"]`."""
    return page.evaluate(
        f"""async (args) => {{
            window.client = window.client || new stytch.StytchHeadlessClient(
                args.public_token, {{ customBaseUrl: "https://{HOST}" }});
            const client = window.client;
            {script}
        }}""",
        args,
    )


def accepted_by_backend(keystile: KeystileServer, project: Project, tokens: dict[str, str]) -> str:
    """The user id the official Python SDK finds in the browser's session, by its token and by its JWT."""
    # The throwaway certificate is the browser's business; the backend checks what keystile answers.
    unverified = requests.Session()
    unverified.verify = False
    unverified.trust_env = False  # a CA bundle named in the environment would take precedence
    backend = stytch.Client(
        project.project_id,
        project.secret,
        environment=keystile.base_url,
        suppress_warnings=True,
        sync_session=unverified,
    )
    by_token = backend.sessions.authenticate(session_token=tokens["session_token"])
    # By JWT on the server: a local check fetches the JWKS by urllib, which trusts no test certificate.
    by_jwt = backend.sessions.authenticate(session_jwt=tokens["session_jwt"])
    assert by_jwt.session.session_id == by_token.session.session_id
    return by_token.user.user_id


@pytest.fixture
def project(tls_keystile: KeystileServer, app_origin: str) -> Project:
    """A test project, made by the CLI as a developer would, its SDK on for the app's origin."""
    made = tls_keystile.cli_json(
        "projects",
        "create",
        "--name",
        "vanilla",
        "--environment",
        "test",
        "--redirect-url",
        f"{app_origin}/authenticate",
        "--json",
    )
    assert isinstance(made, dict)
    tls_keystile.cli_json(
        "projects",
        "sdk",
        "--project",
        made["project_id"],
        "--enable",
        "--authorized-domain",
        app_origin,
        "--json",
    )
    return Project(made["project_id"], made["secret"], made["public_token"], "consumer", "test")


def test_vanilla_js_signs_in_by_magic_link_and_password(
    tls_keystile: KeystileServer, project: Project, sdk_page: Page, tmp_path: Path
) -> None:
    email = new_address("vanilla")
    sent = in_page(
        sdk_page,
        "return await client.magicLinks.email.loginOrCreate(args.email);",
        public_token=project.public_token,
        email=email,
    )
    assert sent["user_created"] is True
    token = token_of(link_in_dev_inbox(tls_keystile, project.project_id, project.secret, email))
    signed_in = in_page(
        sdk_page,
        """await client.magicLinks.authenticate(args.token, { session_duration_minutes: 60 });
        const user = await client.user.get();
        document.getElementById("state").textContent = "signed in as " + user.emails[0].email;
        return { user, tokens: client.session.getTokens() };""",
        public_token=project.public_token,
        token=token,
    )
    assert signed_in["user"]["emails"][0]["email"] == email
    save_screenshot(sdk_page, tmp_path, "vanilla-js-magic-link")
    assert accepted_by_backend(tls_keystile, project, signed_in["tokens"]) == signed_in["user"]["user_id"]

    in_page(sdk_page, "await client.session.revoke();", public_token=project.public_token)
    password_email = new_address("vanilla-password")
    by_password = in_page(
        sdk_page,
        """const credentials = { email: args.email, password: args.password, session_duration_minutes: 60 };
        await client.passwords.create(credentials);
        await client.session.revoke();
        await client.passwords.authenticate(credentials);
        return { user: await client.user.get(), tokens: client.session.getTokens() };""",
        public_token=project.public_token,
        email=password_email,
        password=PASSWORD,
    )
    assert by_password["user"]["emails"][0]["email"] == password_email
    assert accepted_by_backend(tls_keystile, project, by_password["tokens"]) == by_password["user"]["user_id"]
    assert re.fullmatch(r"user-test-[0-9a-f-]{36}", by_password["user"]["user_id"])
