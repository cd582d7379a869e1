"""A tiny page on a loopback origin (`http://localhost:PORT`, a secure context) that runs the browser
half of WebAuthn: `navigator.credentials.create/get` with the options an app's backend got from
keystile, answering the credential as JSON; and Chromium's virtual authenticator behind it (CDP)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import CDPSession, Page

from tests.support.server import free_port

PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Passkeys</title></head>
<body>
<h1>Passkeys on keystile</h1>
<p id="status" role="status">Ready</p>
<script>
async function createCredential(options) {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(JSON.parse(options));
  const credential = await navigator.credentials.create({publicKey});
  document.getElementById("status").textContent = "Passkey created";
  return JSON.stringify(credential.toJSON());
}
async function getCredential(options) {
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(options));
  const credential = await navigator.credentials.get({publicKey});
  document.getElementById("status").textContent = "Signed in with a passkey";
  return JSON.stringify(credential.toJSON());
}
</script>
</body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving_page() -> Iterator[str]:
    """The page's origin, `http://localhost:PORT`, while it is served."""
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"
    finally:
        server.shutdown()
        server.server_close()


def add_virtual_authenticator(page: Page) -> CDPSession:
    """A CTAP2 platform authenticator with resident keys and user verification that says yes at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def create_credential(page: Page, options: str) -> str:
    """`navigator.credentials.create()` with keystile's creation options; the credential's JSON."""
    return str(page.evaluate("options => createCredential(options)", options))


def get_credential(page: Page, options: str) -> str:
    """`navigator.credentials.get()` with keystile's request options; the assertion's JSON."""
    return str(page.evaluate("options => getCredential(options)", options))


def sign_count(credential_json: str) -> int:
    """The signature counter an assertion carries (authenticator data bytes 33-36)."""
    data = json.loads(credential_json)["response"]["authenticatorData"]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return int.from_bytes(raw[33:37], "big")
