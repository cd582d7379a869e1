"""The relying party's side of the tests: Authlib's OAuth 2.0 client with the discovered metadata, the
app's authorization page (the official SDK's `idp.oauth.authorize_start` / `authorize`, consumer or
B2B), the whole code flow, ID tokens verified from the JWKS, introspection and refused token requests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.idp.conftest import SignedIn
from tests.support.server import KeystileServer

REDIRECT = "https://rp.example/callback"
SCOPE = "openid email profile offline_access"


@dataclass
class RelyingParty:
    """Authlib's client with the provider's discovered metadata."""

    oauth: OAuth2Client
    metadata: dict[str, Any]


def discover(server: KeystileServer, project_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{server.base_url}v1/public/{project_id}/.well-known/openid-configuration", timeout=10
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def relying_party(
    server: KeystileServer, signed_in: SignedIn, client_id: str, secret: str | None, redirect: str = REDIRECT
) -> RelyingParty:
    return RelyingParty(
        OAuth2Client(
            client_id,
            secret,
            scope=SCOPE,
            redirect_uri=redirect,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
        ),
        discover(server, signed_in.project.project_id),
    )


def new_client(
    signed_in: SignedIn, client_type: str = "third_party", **fields: Any
) -> tuple[str, str | None]:
    created = signed_in.sdk.connected_app.clients.create(
        client_type=client_type, client_name="Reports", redirect_urls=[REDIRECT], **fields
    ).connected_app
    return created.client_id, created.client_secret


def authorization_page(signed_in: SignedIn, url: str, *, consent_granted: bool = True) -> tuple[str, Any]:
    """What the app's authorization page does with the request the RP sent the browser to."""
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    common = {
        "client_id": query["client_id"],
        "redirect_uri": query["redirect_uri"],
        "response_type": query["response_type"],
        "scopes": query["scope"].split(),
        "session_token": signed_in.session_token,
    }
    started = signed_in.sdk.idp.oauth.authorize_start(**common)
    authorized = signed_in.sdk.idp.oauth.authorize(
        consent_granted=consent_granted,
        state=query.get("state"),
        nonce=query.get("nonce"),
        code_challenge=query.get("code_challenge"),
        **common,
    )
    return authorized.redirect_uri, started


def sign_in(rp: RelyingParty, signed_in: SignedIn) -> tuple[dict[str, Any], str]:
    """The whole code flow: the token response and the nonce the ID token must carry."""
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.oauth.create_authorization_url(
        rp.metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    redirect, _ = authorization_page(signed_in, url)
    token = rp.oauth.fetch_token(
        rp.metadata["token_endpoint"], authorization_response=redirect, code_verifier=verifier, state=state
    )
    return dict(token), nonce


def verified_id_token(rp: RelyingParty, id_token: str, nonce: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(httpx.get(rp.metadata["jwks_uri"], timeout=10).json())
    decoded = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": rp.metadata["issuer"]},
        aud={"essential": True, "value": rp.oauth.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
    ).validate(decoded.claims)
    return dict(decoded.claims)


def introspected(signed_in: SignedIn, token: str, client_id: str, secret: str | None) -> Any:
    return signed_in.sdk.idp.introspect_token_network(token=token, client_id=client_id, client_secret=secret)


def token_error(rp: RelyingParty, **params: Any) -> str:
    with pytest.raises(OAuthError) as refused:
        rp.oauth.fetch_token(rp.metadata["token_endpoint"], **params)
    return str(refused.value.error)


def granted(server: KeystileServer, signed_in: SignedIn) -> tuple[RelyingParty, dict[str, Any], str | None]:
    """A new third-party client the subject signed in to by the code flow: its relying party, the
    token response and the client's secret."""
    client_id, secret = new_client(signed_in)
    rp = relying_party(server, signed_in, client_id, secret)
    token, _ = sign_in(rp, signed_in)
    return rp, token, secret


def assert_tokens_dead(
    rp: RelyingParty, signed_in: SignedIn, token: dict[str, Any], secret: str | None
) -> None:
    """The refresh token is refused (invalid_grant) and the access token introspects as inactive."""
    assert (
        token_error(rp, grant_type="refresh_token", refresh_token=token["refresh_token"]) == "invalid_grant"
    )
    assert introspected(signed_in, token["access_token"], rp.oauth.client_id, secret) is None
