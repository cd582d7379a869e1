"""The app page the `@stytch/vanilla-js` browser tests load (tests/browser_sdk's node_modules, no CDN),
the host name its `customBaseUrl` names, the dev inbox its magic links arrive in, and the backend
check of the sessions (and B2B member sessions) it gets, and the ID token a Connected App gets for one."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, TypeVar

import httpx
import requests
import stytch
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from playwright.sync_api import Page, expect

from tests.support.server import KeystileServer, Project

VANILLA_JS = Path(__file__).resolve().parents[1] / "browser_sdk" / "node_modules" / "@stytch" / "vanilla-js"
# What the page's customBaseUrl names; Chromium resolves it to the test's keystile.
HOST = "keystile.test"
# Under this path the app serves the pre-built UI's page, under the next the B2B pre-built UI's;
# everywhere else the headless client's.
LOGIN_PATH = "/login"
B2B_LOGIN_PATH = "/b2b-login"
HEADLESS_PAGE = """<!doctype html><html><head><title>vanilla-js against keystile</title>
<script src="/stytch.js"></script></head>
<body><h1>vanilla-js headless against keystile</h1><pre id="state">signed out</pre></body></html>"""
LOGIN_PAGE = """<!doctype html><html><head><title>Stytch's pre-built UI against keystile</title>
<script src="/stytch-ui.js"></script></head>
<body><h1>Stytch's pre-built login UI against keystile</h1><stytch-ui id="login"></stytch-ui>
<pre id="state">signed out</pre></body></html>"""
B2B_LOGIN_PAGE = """<!doctype html><html><head><title>Stytch's B2B pre-built UI against keystile</title>
<script src="/stytch-b2b-ui.js"></script></head>
<body><h1>Stytch's B2B pre-built login UI against keystile</h1><stytch-b2b id="login"></stytch-b2b>
</body></html>"""

# The README's way to mount the UI (`mountLogin` of 6.3.0 appends the element without its props),
# with `args.products` named as in `stytch.Products`.
MOUNT = f"""(args) => {{
    customElements.define("stytch-ui", stytch.StytchUI);
    window.client = stytch.createStytchClient(args.public_token, {{ customBaseUrl: "https://{HOST}" }});
    document.getElementById("login").render({{
        client: window.client,
        config: {{ products: args.products.map((name) => stytch.Products[name]), ...args.options }},
    }});
}}"""
SIGN_OUT = "async () => { await window.client.session.revoke(); }"


class PageFiles(SimpleHTTPRequestHandler):
    """The app's pages and the SDK's browser builds (headless, with the pre-built UI, and B2B's)."""

    def do_GET(self) -> None:
        if self.path == "/stytch.js":
            self._send((VANILLA_JS / "dist" / "iife" / "index.headless.js").read_bytes(), "text/javascript")
        elif self.path == "/stytch-ui.js":
            self._send((VANILLA_JS / "dist" / "iife" / "index.js").read_bytes(), "text/javascript")
        elif self.path == "/stytch-b2b-ui.js":
            self._send((VANILLA_JS / "dist" / "iife" / "b2b" / "index.js").read_bytes(), "text/javascript")
        elif self.path.startswith(B2B_LOGIN_PATH):
            self._send(B2B_LOGIN_PAGE.encode(), "text/html")
        elif self.path.startswith(LOGIN_PATH):
            self._send(LOGIN_PAGE.encode(), "text/html")
        else:
            self._send(HEADLESS_PAGE.encode(), "text/html")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


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


Backend = TypeVar("Backend", stytch.Client, stytch.B2BClient)


def backend_of(keystile: KeystileServer, project: Project, client: type[Backend]) -> Backend:
    """The official Python SDK's client of `project`, as the app's backend holds it."""
    # The throwaway certificate is the browser's business; the backend checks what keystile answers.
    unverified = requests.Session()
    unverified.verify = False
    unverified.trust_env = False  # a CA bundle named in the environment would take precedence
    return client(
        project.project_id,
        project.secret,
        environment=keystile.base_url,
        suppress_warnings=True,
        sync_session=unverified,
    )


def accepted_by_backend(keystile: KeystileServer, project: Project, tokens: dict[str, str]) -> str:
    """The user id the official Python SDK finds in the browser's session, by its token and by its JWT."""
    backend = backend_of(keystile, project, stytch.Client)
    by_token = backend.sessions.authenticate(session_token=tokens["session_token"])
    # By JWT on the server: a local check fetches the JWKS by urllib, which trusts no test certificate.
    by_jwt = backend.sessions.authenticate(session_jwt=tokens["session_jwt"])
    assert by_jwt.session.session_id == by_token.session.session_id
    return by_token.user.user_id


def id_token_of(
    keystile: KeystileServer, project: Project, session_token: str, post_logout_uri: str
) -> tuple[str, str]:
    """A new Connected App (with `post_logout_uri`) the session's user signed in to by the code flow
    (`idp.oauth.authorize` on the backend, Authlib's client exchanging the code): its ID token and the
    client's id."""
    sdk, callback = backend_of(keystile, project, stytch.Client), "https://rp.example/callback"
    app = sdk.connected_app.clients.create(
        client_type="first_party", redirect_urls=[callback], post_logout_redirect_urls=[post_logout_uri]
    ).connected_app
    verifier = secrets.token_urlsafe(48)
    authorized = sdk.idp.oauth.authorize(
        consent_granted=True,
        scopes=["openid"],
        client_id=app.client_id,
        redirect_uri=callback,
        response_type="code",
        session_token=session_token,
        code_challenge=create_s256_code_challenge(verifier),
    )
    rp = OAuth2Client(app.client_id, app.client_secret, redirect_uri=callback, verify=False)
    token = rp.fetch_token(
        f"{keystile.base_url}v1/public/{project.project_id}/oauth2/token",
        authorization_response=authorized.redirect_uri,
        code_verifier=verifier,
    )
    return str(token["id_token"]), app.client_id


def mount(page: Page, url: str, project: Project, products: list[str], options: dict[str, Any]) -> None:
    page.goto(url)
    page.evaluate(MOUNT, {"public_token": project.public_token, "products": products, "options": options})
    expect(page.get_by_text("Sign up or log in")).to_be_visible()


def send_to(page: Page, email: str) -> None:
    page.get_by_placeholder("example@email.com").fill(email)
    page.get_by_role("button", name="Continue with email").click()


@dataclass(frozen=True)
class AuthorizationRequest:
    """A new third-party Connected App's authorization request (PKCE, S256), as the IdentityProvider
    page parses it for the SDK, and the relying party's side of the code flow."""

    keystile: KeystileServer
    project: Project
    params: dict[str, Any]
    client_secret: str
    verifier: str

    def exchanged_for(self, redirect_uri: str) -> str:
        """The user id the access token the code in `redirect_uri` is exchanged for names."""
        rp = OAuth2Client(
            self.params["client_id"],
            self.client_secret,
            redirect_uri=self.params["redirect_uri"],
            verify=False,
        )
        token = rp.fetch_token(
            f"{self.keystile.base_url}v1/public/{self.project.project_id}/oauth2/token",
            authorization_response=redirect_uri,
            code_verifier=self.verifier,
            state=self.params["state"],
        )
        active = backend_of(self.keystile, self.project, stytch.Client).idp.introspect_token_network(
            token=token["access_token"], client_id=self.params["client_id"], client_secret=self.client_secret
        )
        assert active is not None
        return str(active.subject)


def authorization_request(keystile: KeystileServer, project: Project) -> AuthorizationRequest:
    """A new third-party client's request for `openid email`, with state, nonce and PKCE challenge."""
    callback = "https://rp.example/callback"
    app = (
        backend_of(keystile, project, stytch.Client)
        .connected_app.clients.create(
            client_type="third_party", client_name="Reports", redirect_urls=[callback]
        )
        .connected_app
    )
    verifier = secrets.token_urlsafe(48)
    params = {
        "client_id": app.client_id,
        "redirect_uri": callback,
        "response_type": "code",
        "scopes": ["openid", "email"],
        "state": secrets.token_urlsafe(12),
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": create_s256_code_challenge(verifier),
    }
    return AuthorizationRequest(keystile, project, params, str(app.client_secret), verifier)
