"""Google One Tap, on the wire of Stytch's JavaScript SDK: `start` answers the project's Google client
id and callback id with a CSRF token the browser double-submits (its cookie and the request body must
agree; the token is redeemed once); `submit` verifies Google's ID-token credential against the
configured issuer's JWKS (RS256 signature, `iss`, `aud` = the client id, `exp`), signs the account's
user in and answers the app URL with the OAuth token. One Tap issues no provider access token."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Final

from keystile import tokens
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors.oauth import client
from keystile.factors.oauth.accounts import account_of, sign_in
from keystile.factors.oauth.flow import FLOW_LIFETIME, configured, redirect_to_app
from keystile.factors.oauth.models import OAuthState
from keystile.factors.oauth.repository import OAuthRepository
from keystile.ids import new_id
from keystile.projects.service import resolve_redirect_url

GOOGLE: Final = "google"


@dataclass(frozen=True)
class OneTapStarted:
    google_client_id: str
    oauth_callback_id: str
    csrf_token: str


@dataclass(frozen=True)
class OneTapCredential:
    """What the browser posts to the callback: Google's ID token, the CSRF token it holds in the body
    and in its cookie, and where the app wants the user sent."""

    id_token: str
    csrf_token: str | None
    cookie_csrf_token: str | None
    login_redirect_url: str | None = None
    signup_redirect_url: str | None = None


async def start(call: Call) -> OneTapStarted:
    """The project's Google client id and callback id, and a new CSRF token stored as a flow (One Tap's
    flows carry no nonce, verifier, scopes or URLs: the submit names the URLs)."""
    config = await configured(call, GOOGLE)
    csrf = tokens.new_token()
    call.db.add(
        OAuthState(
            token_id=new_id("oauth-state"),
            project_id=call.project_id,
            token_digest=tokens.digest(csrf),
            code_challenge=None,
            callback_id=config.callback_id,
            provider=GOOGLE,
            nonce="",
            provider_verifier_encrypted="",
            scopes="",
            login_redirect_url="",
            signup_redirect_url="",
            attach_user_id=None,
            created_at=call.now,
            expires_at=call.now + FLOW_LIFETIME,
        )
    )
    return OneTapStarted(config.client_id, config.callback_id, csrf)


async def _one_tap_flow(call: Call, callback_id: str, credential: OneTapCredential) -> OAuthState:
    given, cookie = credential.csrf_token or "", credential.cookie_csrf_token or ""
    if not given or not hmac.compare_digest(given.encode(), cookie.encode()):
        raise KeystileError("oauth_state_mismatch")
    row = await OAuthRepository(call.db, call.project_id).state(given)
    if (
        row is None
        or row.callback_id != callback_id
        or row.provider != GOOGLE
        or not tokens.usable(row, call.now)
    ):
        raise KeystileError("oauth_state_mismatch")
    return row


async def submit(call: Call, *, callback_id: str, credential: OneTapCredential) -> str:
    """The app URL for a verified One Tap credential; nothing is written unless every check passes."""
    flow = await _one_tap_flow(call, callback_id, credential)
    config = await configured(call, GOOGLE)
    login_url = await resolve_redirect_url(call.db, call.project_id, "login", credential.login_redirect_url)
    signup_url = await resolve_redirect_url(
        call.db, call.project_id, "signup", credential.signup_redirect_url
    )
    at = await client.provider_endpoints(config)
    if at.issuer is None or at.jwks_uri is None:
        raise KeystileError("oauth_provider_error", "Google One Tap needs Google's OpenID Connect issuer.")
    claims = await client.verified_id_token(
        credential.id_token,
        issuer=at.issuer,
        jwks_uri=at.jwks_uri,
        audience=config.client_id,
        nonce=None,
        now=call.now,
    )
    account = account_of(config.provider, claims)
    if not await single_use.redeem(call.db, flow, call.now):
        raise KeystileError("oauth_state_mismatch")
    signed_in = await sign_in(call, config.provider, account, None)
    issued = client.ProviderTokens("", "", credential.id_token, [], None)
    app_url = signup_url if signed_in.user_created else login_url
    return redirect_to_app(call, signed_in, issued, app_url, code_challenge=None)
