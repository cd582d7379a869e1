"""A real OpenID Connect provider on loopback standing in for Google (oidc-provider-mock: discovery,
JWKS, signed RS256 ID tokens, userinfo, a consent form, refresh tokens), which can be told to sign its
next ID tokens with altered claims or to issue short-lived access tokens, and a browser walk through
an OAuth flow (httpx, one redirect at a time)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import flask
import httpx
import oidc_provider_mock
import werkzeug.serving
from authlib.jose import jwt
from oidc_provider_mock._storage import storage

from tests.support.server import KeystileServer, Project
from tests.support.serving import serving


@dataclass
class OidcProvider:
    """The provider at `issuer`; `altered_claims` go into every ID token it signs while set, and its
    access tokens last `access_token_lifetime` seconds (as its token endpoint says) while that is set."""

    port: int
    altered_claims: dict[str, Any] = field(default_factory=dict)
    access_token_lifetime: int | None = None

    @property
    def issuer(self) -> str:
        return f"http://localhost:{self.port}"

    def set_user(self, sub: str, **claims: object) -> None:
        httpx.put(f"{self.issuer}/users/{sub}", json=claims).raise_for_status()

    def configure(
        self,
        server: KeystileServer,
        project: Project,
        *,
        client_id: str = "google-client",
        provider: str = "google",
    ) -> None:
        """Set the project's client at `provider` (Google unless told otherwise: another OpenID Connect
        provider, such as Slack) to this provider through the CLI's issuer override."""
        server.cli_json(
            "oauth", "providers", "set", "--project", project.project_id, "--provider", provider,
            "--client-id", client_id, "--client-secret", "google-secret", "--issuer", self.issuer, "--json",
        )  # fmt: skip

    def id_token(self, sub: str, *, client_id: str = "google-client") -> str:
        """An ID token for `sub` issued to `client_id`, as Google hands One Tap a credential (got here
        through the provider's own code flow)."""
        query = {
            "client_id": client_id, "redirect_uri": "http://localhost/one-tap", "response_type": "code",
            "scope": "openid email profile", "state": "one-tap", "nonce": "one-tap",
        }  # fmt: skip
        consented = httpx.post(f"{self.issuer}/oauth2/authorize", params=query, data={"sub": sub})
        code = parse_qs(urlsplit(consented.headers["location"]).query)["code"][0]
        issued = httpx.post(
            f"{self.issuer}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": query["redirect_uri"]},
            auth=(client_id, "google-secret"),
        )
        return str(issued.json()["id_token"])


def _alter_token_answer(provider: OidcProvider, response: flask.Response) -> flask.Response:
    """Re-sign the token endpoint's ID token with `altered_claims`, with the provider's own key, and
    give its access token `access_token_lifetime`."""
    altering = provider.altered_claims or provider.access_token_lifetime is not None
    if not altering or flask.request.path != "/oauth2/token" or response.status_code != 200:
        return response
    body = json.loads(response.get_data())
    if provider.altered_claims:
        claims = jwt.decode(body["id_token"], storage.jwk)
        claims.update(provider.altered_claims)
        body["id_token"] = jwt.encode(claims.header, dict(claims), storage.jwk).decode()
    if provider.access_token_lifetime is not None:
        body["expires_in"] = provider.access_token_lifetime
    response.set_data(json.dumps(body))
    return response


@contextmanager
def oidc_provider() -> Iterator[OidcProvider]:
    """The provider, served on a thread until the block ends (nonces required, as Google's flow has)."""
    application = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("localhost", 0, application, threaded=True)
    provider = OidcProvider(port=server.server_port)
    application.after_request(lambda response: _alter_token_answer(provider, response))
    with serving(server):
        yield provider


def consent(browser: httpx.Client, start_url: str, params: dict[str, str], sub: str) -> httpx.Response:
    """Walk a browser from keystile's start URL through the provider's consent form as `sub`, up to
    keystile's answer to the provider's redirect (not followed further: the app is not running)."""
    started = browser.get(start_url, params=params)
    assert started.status_code == 302, started.text
    authorize = started.headers["location"]
    assert browser.get(authorize).status_code == 200  # the provider's login form
    consented = browser.post(authorize, data={"sub": sub})
    assert consented.status_code == 302, consented.text
    return browser.get(consented.headers["location"])
