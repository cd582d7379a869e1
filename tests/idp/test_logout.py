"""OpenID Connect RP-Initiated Logout at the discovered `end_session_endpoint`: a relying party that
signed a user (or a member) in sends the browser with its ID token; the session the authorization was
made with ends and the browser goes back to the client's registered post-logout URI with its state.
Refusals answer RFC 6749's error JSON and redirect nowhere; the session then stays."""

from __future__ import annotations

from typing import Any

import httpx

from tests.idp.conftest import SignedIn
from tests.idp.relying_party import RelyingParty, new_client, relying_party, sign_in
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer

LOGGED_OUT = "https://rp.example/logged-out"


def _signed_in_at_rp(server: KeystileServer, signed_in: SignedIn) -> tuple[RelyingParty, dict[str, Any]]:
    client_id, secret = new_client(signed_in, post_logout_redirect_urls=[LOGGED_OUT])
    rp = relying_party(server, signed_in, client_id, secret)
    token, _ = sign_in(rp, signed_in)
    return rp, token


def _end_session(rp: RelyingParty, method: str = "GET", **params: str) -> httpx.Response:
    endpoint = rp.metadata["end_session_endpoint"]
    if method == "POST":
        return httpx.post(endpoint, data=params, follow_redirects=False, timeout=10)
    return httpx.get(endpoint, params=params, follow_redirects=False, timeout=10)


def _refused(response: httpx.Response) -> str:
    assert response.status_code == 400 and "location" not in response.headers, response.text
    return str(response.json()["error"])


def test_logout_ends_the_users_session_and_returns_with_state(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    rp, token = _signed_in_at_rp(idp_server, signed_in)
    assert rp.metadata["end_session_endpoint"].endswith(
        f"/v1/public/{signed_in.project.project_id}/oauth2/end_session"
    )
    response = _end_session(
        rp,
        id_token_hint=token["id_token"],
        client_id=rp.oauth.client_id,
        post_logout_redirect_uri=LOGGED_OUT,
        state="s/1 2",
    )
    assert response.status_code == 302, response.text
    assert response.headers["location"] == f"{LOGGED_OUT}?state=s%2F1+2"
    authenticate = signed_in.sdk.sessions.authenticate
    assert error_type(lambda: authenticate(session_token=signed_in.session_token)) == "session_not_found"
    # The client's offline access outlives the logout (OpenID Connect Core 11).
    assert rp.oauth.refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])


def test_logout_by_post_ends_the_members_session(
    idp_server: KeystileServer, member_signed_in: SignedIn
) -> None:
    rp, token = _signed_in_at_rp(idp_server, member_signed_in)
    response = _end_session(rp, "POST", id_token_hint=token["id_token"], post_logout_redirect_uri=LOGGED_OUT)
    assert (response.status_code, response.headers["location"]) == (302, LOGGED_OUT)
    authenticate = member_signed_in.sdk.sessions.authenticate
    assert (
        error_type(lambda: authenticate(session_token=member_signed_in.session_token)) == "session_not_found"
    )


def test_logout_without_a_redirect_uri_answers_there(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    rp, token = _signed_in_at_rp(idp_server, signed_in)
    response = _end_session(rp, id_token_hint=token["id_token"])
    assert response.status_code == 200 and "location" not in response.headers, response.text
    authenticate = signed_in.sdk.sessions.authenticate
    assert error_type(lambda: authenticate(session_token=signed_in.session_token)) == "session_not_found"


def test_refused_logouts_redirect_nowhere_and_end_nothing(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    rp, token = _signed_in_at_rp(idp_server, signed_in)
    id_token = token["id_token"]
    other_client, _ = new_client(signed_in, post_logout_redirect_urls=[LOGGED_OUT])
    head, body, signature = id_token.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    session_jwt = signed_in.sdk.sessions.authenticate(session_token=signed_in.session_token).session_jwt
    refusals = [
        {"id_token_hint": id_token, "post_logout_redirect_uri": "https://attacker.example/"},
        {"id_token_hint": id_token, "post_logout_redirect_uri": f"{LOGGED_OUT}/"},
        # A login redirect URI is not a post-logout one.
        {"id_token_hint": id_token, "post_logout_redirect_uri": rp.oauth.redirect_uri},
        {"id_token_hint": id_token, "client_id": other_client, "post_logout_redirect_uri": LOGGED_OUT},
        {"id_token_hint": forged, "post_logout_redirect_uri": LOGGED_OUT},
        # Signed by the project's key, but a session JWT: not issued by this provider.
        {"id_token_hint": session_jwt, "post_logout_redirect_uri": LOGGED_OUT},
        {"id_token_hint": "not-a-jwt", "post_logout_redirect_uri": LOGGED_OUT},
        {"client_id": rp.oauth.client_id, "post_logout_redirect_uri": LOGGED_OUT},
    ]
    for params in refusals:
        assert _refused(_end_session(rp, **params)) == "invalid_request", params
    repeated = httpx.get(
        rp.metadata["end_session_endpoint"],
        params=[("id_token_hint", id_token), ("id_token_hint", id_token)],
        follow_redirects=False,
        timeout=10,
    )
    assert _refused(repeated) == "invalid_request"
    unknown_project = rp.metadata["end_session_endpoint"].replace(
        signed_in.project.project_id, "project-test-00000000-0000-4000-8000-000000000000"
    )
    assert _refused(httpx.get(unknown_project, params={"id_token_hint": id_token}, timeout=10)) == (
        "invalid_request"
    )
    assert signed_in.sdk.sessions.authenticate(session_token=signed_in.session_token).session
