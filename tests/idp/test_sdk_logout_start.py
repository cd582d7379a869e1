"""`/sdk/v1/oauth/logout/start` as the frontend SDK's `idp.oauthLogoutStart` sends it (HTTP Basic of the
public token and the session token, the page's `Origin`): the app's logout page checks a relying
party's logout request before ending its own session. The user need not confirm when the ID token hint
names the user whose session the page holds; the answer names the registered post-logout URI with the
state. Nothing ends here; bad requests are refused in Stytch's error shape."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from tests.idp.conftest import SignedIn
from tests.idp.relying_party import new_client, relying_party, sign_in
from tests.support.sdk_api import enable_sdk, error_type, sdk_call
from tests.support.server import KeystileServer

LOGGED_OUT = "https://rp.example/logged-out"


def _logged_in_at_rp(server: KeystileServer, signed_in: SignedIn) -> tuple[str, str]:
    """A client with a post-logout URI the user signed in to: its id and the ID token it holds."""
    enable_sdk(server, signed_in.project)
    client_id, secret = new_client(signed_in, post_logout_redirect_urls=[LOGGED_OUT])
    token, _ = sign_in(relying_party(server, signed_in, client_id, secret), signed_in)
    return client_id, str(token["id_token"])


def _start(
    server: KeystileServer, signed_in: SignedIn, session_token: str | None, **body: Any
) -> httpx.Response:
    return sdk_call(server, "/oauth/logout/start", signed_in.project, body, session_token=session_token)


def test_the_signed_in_users_own_hint_needs_no_confirmation(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    client_id, id_token = _logged_in_at_rp(idp_server, signed_in)
    request = {"client_id": client_id, "post_logout_redirect_uri": LOGGED_OUT, "state": "s/1 2"}
    answered = _start(idp_server, signed_in, signed_in.session_token, id_token_hint=id_token, **request)
    assert answered.status_code == 200, answered.text
    assert answered.json()["data"] | {"request_id": None} == {
        "request_id": None,
        "status_code": 200,
        "redirect_uri": f"{LOGGED_OUT}?state=s%2F1+2",
        "consent_required": False,
    }
    # The page ends the session itself: this call does not.
    assert signed_in.sdk.sessions.authenticate(session_token=signed_in.session_token).user.user_id == (
        signed_in.user_id
    )

    other = signed_in.sdk.passwords.create(
        email=f"{secrets.token_hex(6)}@example.com",
        password=secrets.token_urlsafe(24),
        session_duration_minutes=60,
    )
    for session_token, hint in (
        (signed_in.session_token, None),  # no hint: nobody named
        (None, id_token),  # no session: nobody signed in here
        (other.session_token, id_token),  # the hint names another user
    ):
        extra = {"id_token_hint": hint} if hint else {}
        answered = _start(idp_server, signed_in, session_token, **request, **extra)
        assert answered.status_code == 200, answered.text
        assert answered.json()["data"]["consent_required"] is True
        assert answered.json()["data"]["redirect_uri"] == f"{LOGGED_OUT}?state=s%2F1+2"


def test_bad_logout_requests_are_refused(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, id_token = _logged_in_at_rp(idp_server, signed_in)
    other_client, _ = new_client(signed_in, post_logout_redirect_urls=[LOGGED_OUT])
    head, payload, signature = id_token.split(".")
    good = {"client_id": client_id, "post_logout_redirect_uri": LOGGED_OUT, "id_token_hint": id_token}
    for changed in (
        {"post_logout_redirect_uri": "https://attacker.example/"},
        {"post_logout_redirect_uri": f"{LOGGED_OUT}/"},
        {"client_id": "connected-app-test-00000000-0000-4000-8000-000000000000"},
        {"client_id": other_client},  # the hint was issued to another client
        {"id_token_hint": f"{head}.{payload}.{signature[:-4]}AAAA"},
        {"id_token_hint": "not-a-jwt"},
    ):
        answered = _start(idp_server, signed_in, signed_in.session_token, **(good | changed))
        assert (answered.status_code, error_type(answered)) == (400, "invalid_request"), changed


@pytest.mark.parametrize("missing", ["client_id", "post_logout_redirect_uri"])
def test_a_request_without_its_client_or_uri_is_a_400(
    idp_server: KeystileServer, signed_in: SignedIn, missing: str
) -> None:
    enable_sdk(idp_server, signed_in.project)
    client_id, _ = new_client(signed_in, post_logout_redirect_urls=[LOGGED_OUT])
    body = {"client_id": client_id, "post_logout_redirect_uri": LOGGED_OUT}
    del body[missing]
    answered = _start(idp_server, signed_in, signed_in.session_token, **body)
    assert (answered.status_code, answered.json()["status_code"]) == (400, 400), answered.text
    assert error_type(answered)
