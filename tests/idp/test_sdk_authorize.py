"""The frontend SDK's `idp.oauthAuthorizeStart` / `oauthAuthorizeSubmit` as vanilla-js sends them
(`/sdk/v1/idp/oauth/authorize/…`, B2B `/sdk/v1/idp/b2b/oauth/authorize/…`: HTTP Basic of the public
token and the session token, the page's `Origin`, the relying party's query parsed as Stytch's
`<IdentityProvider />` parses it): the consent screen's answers, then the redirect carrying a code that
the token endpoint takes with the PKCE verifier. The subject is the SDK session's, whatever the body
names; refusals are Stytch's errors and write no grant or code. And the B2B `oauthLogoutStart`."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.api.sdk.test_sdk_api import ORIGIN, enable_sdk, error_type, sdk_call
from tests.idp.conftest import SignedIn
from tests.idp.relying_party import (
    REDIRECT,
    SCOPE,
    RelyingParty,
    new_client,
    relying_party,
    sign_in,
    verified_id_token,
)
from tests.support.connected_apps import provider_rows
from tests.support.server import KeystileServer

NOTHING = {
    "connected_app_grants": 0,
    "idp_authorization_codes": 0,
    "idp_token_families": 0,
    "idp_refresh_tokens": 0,
}


def _paths(signed_in: SignedIn) -> tuple[str, str]:
    prefix = "/idp/b2b/oauth/authorize" if signed_in.organization_id else "/idp/oauth/authorize"
    return f"{prefix}/start", f"{prefix}/submit"


def _page_params(url: str) -> dict[str, Any]:
    """The authorization request's query as the IdentityProvider component passes it to the SDK."""
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    params: dict[str, Any] = {"response_type": "code", "scopes": query.pop("scope", "").split()}
    wanted = ("client_id", "redirect_uri", "response_type", "code_challenge", "state", "nonce", "prompt")
    return params | {name: query[name] for name in wanted if name in query}


def _request(server: KeystileServer, signed_in: SignedIn) -> tuple[RelyingParty, str, str, str]:
    """The SDK on, a new third-party client, and the URL its relying party sends the browser to, with
    its state and PKCE verifier."""
    enable_sdk(server, signed_in.project)
    client_id, secret = new_client(signed_in)
    rp = relying_party(server, signed_in, client_id, secret)
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.oauth.create_authorization_url(
        rp.metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    return rp, url, state, verifier


def _call(
    server: KeystileServer, signed_in: SignedIn, path: str, body: dict[str, Any], **how: Any
) -> httpx.Response:
    how.setdefault("session_token", signed_in.session_token)
    return sdk_call(server, path, signed_in.project, body, **how)


def _consented(server: KeystileServer, signed_in: SignedIn) -> None:
    """Consent screen, then the redirect: the code the relying party exchanges with its verifier for
    an ID token naming the SDK session's subject; once granted, no consent is asked again."""
    rp, url, state, verifier = _request(server, signed_in)
    start, submit = _paths(signed_in)
    params = _page_params(url)
    started = _call(server, signed_in, start, params)
    assert started.status_code == 200, started.text
    assert started.headers["access-control-allow-origin"] == ORIGIN
    answer = started.json()["data"]
    assert (answer["consent_required"], answer["client"]["client_name"]) == (True, "Reports")
    assert {result["scope"] for result in answer["scope_results"]} == set(SCOPE.split())
    subject_key = "member_id" if signed_in.organization_id else "user_id"
    assert answer[subject_key] == signed_in.user_id

    submitted = _call(server, signed_in, submit, params | {"consent_granted": True})
    assert submitted.status_code == 200, submitted.text
    redirect = submitted.json()["data"]["redirect_uri"]
    query = parse_qs(urlsplit(redirect).query)
    assert redirect.startswith(f"{REDIRECT}?") and query["state"] == [state]
    assert query["code"] == [submitted.json()["data"]["authorization_code"]]
    token = rp.oauth.fetch_token(
        rp.metadata["token_endpoint"], authorization_response=redirect, code_verifier=verifier, state=state
    )
    claims = verified_id_token(rp, token["id_token"], params["nonce"])
    assert (claims["sub"], claims["email"]) == (signed_in.user_id, signed_in.email)

    again = _call(server, signed_in, start, params)
    assert again.json()["data"]["consent_required"] is False


def test_a_user_consents_and_the_relying_party_gets_its_code(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    _consented(idp_server, signed_in)


def test_a_member_consents_and_the_relying_party_gets_its_code(
    idp_server: KeystileServer, member_signed_in: SignedIn
) -> None:
    _consented(idp_server, member_signed_in)


def test_the_subject_is_the_sdk_sessions_never_the_bodys(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    other = signed_in.sdk.passwords.create(
        email=f"{secrets.token_hex(6)}@example.com",
        password=secrets.token_urlsafe(24),
        session_duration_minutes=60,
    )
    rp, url, state, verifier = _request(idp_server, signed_in)
    start, submit = _paths(signed_in)
    params = _page_params(url) | {"user_id": other.user_id, "session_token": other.session_token}
    started = _call(idp_server, signed_in, start, params)
    assert started.json()["data"]["user_id"] == signed_in.user_id, started.text
    submitted = _call(idp_server, signed_in, submit, params | {"consent_granted": True})
    redirect = submitted.json()["data"]["redirect_uri"]
    token = rp.oauth.fetch_token(
        rp.metadata["token_endpoint"], authorization_response=redirect, code_verifier=verifier, state=state
    )
    assert verified_id_token(rp, token["id_token"], params["nonce"])["sub"] == signed_in.user_id

    # Without a session of its own, the body's session (or user) counts for nothing.
    anonymous = _call(idp_server, signed_in, start, params, session_token=None)
    assert (anonymous.status_code, error_type(anonymous)) == (404, "session_not_found")


def test_consent_denied_redirects_access_denied_and_writes_nothing(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    rp, url, state, _ = _request(idp_server, signed_in)
    denied = _call(
        idp_server, signed_in, _paths(signed_in)[1], _page_params(url) | {"consent_granted": False}
    )
    assert denied.status_code == 200, denied.text
    query = parse_qs(urlsplit(denied.json()["data"]["redirect_uri"]).query)
    assert (query["error"], query["state"]) == (["access_denied"], [state]) and "code" not in query
    assert denied.json()["data"].get("authorization_code") is None
    assert provider_rows(idp_server, signed_in.project.project_id, rp.oauth.client_id) == NOTHING


@pytest.mark.parametrize("step", [0, 1])
def test_bad_requests_are_refused_and_write_nothing(
    idp_server: KeystileServer, signed_in: SignedIn, step: int
) -> None:
    rp, url, _, _ = _request(idp_server, signed_in)
    path = _paths(signed_in)[step]
    good = _page_params(url) | ({"consent_granted": True} if step else {})
    other = idp_server.create_project()
    enable_sdk(idp_server, other)
    foreign = httpx.post(
        f"{idp_server.base_url}v1/passwords",
        json={
            "email": "x@example.com",
            "password": secrets.token_urlsafe(24),
            "session_duration_minutes": 60,
        },
        auth=(other.project_id, other.secret),
        timeout=30,
    ).json()["session_token"]
    for changed, how, refusal in (
        ({"redirect_uri": "https://attacker.example/callback"}, {}, (400, "invalid_request")),
        ({"client_id": "connected-app-test-00000000-0000-4000-8000-000000000000"}, {}, None),
        ({}, {"session_token": foreign}, (404, "session_not_found")),
        ({}, {"origin": "https://evil.example"}, (400, "bad_domain_for_stytch_sdk")),
        ({}, {"public_token": other.public_token}, None),  # another project's token: its session unknown
    ):
        refused = _call(idp_server, signed_in, path, good | changed, **how)
        assert refused.status_code >= 400, (changed, how, refused.text)
        if refusal is not None:
            assert (refused.status_code, error_type(refused)) == refusal, (changed, how)
    # A scope beyond the client's: the consent screen is refused; the submit, whose redirect URI is
    # the client's, sends the error there (RFC 6749 section 4.1.2.1), without a code.
    escalated = _call(idp_server, signed_in, path, good | {"scopes": ["openid", "admin:everything"]})
    if step == 0:
        assert (escalated.status_code, error_type(escalated)) == (400, "invalid_scope")
    else:
        assert escalated.status_code == 200, escalated.text
        query = parse_qs(urlsplit(escalated.json()["data"]["redirect_uri"]).query)
        assert query["error"] == ["invalid_scope"] and "code" not in query
    assert provider_rows(idp_server, signed_in.project.project_id, rp.oauth.client_id) == NOTHING


def test_each_vertical_keeps_to_its_routes(
    idp_server: KeystileServer, signed_in: SignedIn, member_signed_in: SignedIn
) -> None:
    for caller, other in ((signed_in, member_signed_in), (member_signed_in, signed_in)):
        _, url, _, _ = _request(idp_server, caller)
        refused = _call(idp_server, caller, _paths(other)[0], _page_params(url))
        assert refused.status_code == 400, refused.text
        assert error_type(refused).startswith("invalid_"), refused.text


def test_a_members_own_hint_needs_no_logout_confirmation(
    idp_server: KeystileServer, member_signed_in: SignedIn
) -> None:
    logged_out = "https://rp.example/logged-out"
    enable_sdk(idp_server, member_signed_in.project)
    client_id, secret = new_client(member_signed_in, post_logout_redirect_urls=[logged_out])
    token, _ = sign_in(relying_party(idp_server, member_signed_in, client_id, secret), member_signed_in)
    request = {"client_id": client_id, "post_logout_redirect_uri": logged_out, "state": "s1"}
    for hint, consent_required in ((token["id_token"], False), (None, True)):
        body = request | ({"id_token_hint": hint} if hint else {})
        answered = _call(idp_server, member_signed_in, "/b2b/oauth/logout/start", body)
        assert answered.status_code == 200, answered.text
        assert answered.json()["data"]["redirect_uri"] == f"{logged_out}?state=s1"
        assert answered.json()["data"]["consent_required"] is consent_required
    # The page ends the session itself: this call does not.
    assert member_signed_in.sdk.sessions.authenticate(session_token=member_signed_in.session_token)
    bad = _call(idp_server, member_signed_in, "/b2b/oauth/logout/start", request | {"client_id": "nope"})
    assert (bad.status_code, error_type(bad)) == (400, "invalid_request")
