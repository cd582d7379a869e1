"""The provider's Authlib server in memory: an authorization request becomes a code, the code and its
PKCE verifier become tokens and an ID token, refresh tokens rotate; refusals are RFC 6749's."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cryptography.hazmat.primitives.asymmetric import rsa

from keystile.idp.clients import STANDARD_SCOPES, IdpClient
from keystile.idp.models import IdpAuthorizationCode, IdpRefreshToken
from keystile.idp.protocol import Provider, Snapshot, Subject, oauth2_request
from keystile.sessions.jwts import SigningMaterial

NOW = datetime.now(UTC).replace(microsecond=0)
REDIRECT = "https://rp.example/callback"
KEY = SigningMaterial(
    kid="jwk-test-1", private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
)
SUBJECT = Subject(
    subject_id="user-test-1", claims={"email": "ada@example.com", "email_verified": True}, family_id="fam-1"
)


def _client(client_type: str = "third_party_public") -> IdpClient:
    return IdpClient(
        client_id="connected-app-test-1",
        client_type=client_type,
        client_name="RP",
        client_description="",
        logo_url=None,
        redirect_urls=(REDIRECT,),
        post_logout_redirect_urls=(),
        secret_digests=(),
        access_token_expiry_minutes=60,
        bypass_consent_for_offline_access=False,
        allowed_scopes=frozenset(STANDARD_SCOPES),
    )


def _provider(**fields: Any) -> Provider:
    client = fields.pop("client", _client())
    return Provider(
        Snapshot(
            project_id="project-test-1",
            issuer="https://keystile.example/v1/public/project-test-1",
            now=NOW,
            key=KEY,
            client=client,
            subject=SUBJECT,
            scopes_supported=tuple(sorted(client.allowed_scopes)),
            **fields,
        )
    )


def _authorize(
    verifier: str, scope: str = "openid email offline_access", **extra: str
) -> tuple[Provider, str]:
    provider = _provider()
    params = {
        "client_id": "connected-app-test-1",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": scope,
        "state": "st",
        "nonce": "n-1",
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }
    grant = provider.get_consent_grant(oauth2_request(params), end_user=SUBJECT)
    answer = provider.create_authorization_response(grant.request, grant_user=SUBJECT, grant=grant)
    return provider, answer.headers["Location"]


def _stored_code(provider: Provider) -> IdpAuthorizationCode:
    request = provider.effects.code_request
    return IdpAuthorizationCode(
        token_id="c",
        token_digest="d",
        project_id="project-test-1",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=5),
        family_id="fam-1",
        client_id="connected-app-test-1",
        subject_id="user-test-1",
        redirect_uri=request["redirect_uri"],
        scopes=request["scopes"],
        code_challenge=request["code_challenge"],
        nonce=request["nonce"],
        auth_time=NOW,
    )


def test_code_and_verifier_become_tokens_and_an_id_token() -> None:
    verifier = secrets.token_urlsafe(48)
    provider, location = _authorize(verifier)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["st"] and query["code"] == [provider.effects.code]
    exchange = _provider(code=_stored_code(provider))
    answer = exchange.create_token_response(
        oauth2_request(
            {
                "grant_type": "authorization_code",
                "code": provider.effects.code or "",
                "redirect_uri": REDIRECT,
                "client_id": "connected-app-test-1",
                "code_verifier": verifier,
            }
        )
    )
    assert answer.status == 200, answer.body
    token = answer.body
    assert token["scope"] == "openid email offline_access" and token["refresh_token"]
    id_token = jwt.decode(
        token["id_token"], KEY.private_key.public_key(), algorithms=["RS256"], audience="connected-app-test-1"
    )
    assert (
        id_token["sub"] == "user-test-1"
        and id_token["nonce"] == "n-1"
        and id_token["email"] == "ada@example.com"
    )
    assert jwt.get_unverified_header(token["id_token"])["kid"] == "jwk-test-1"
    access = jwt.decode(
        token["access_token"], KEY.private_key.public_key(), algorithms=["RS256"], audience="project-test-1"
    )
    assert access["sub"] == "user-test-1" and access["iss"] == "stytch.com/project-test-1"
    assert exchange.effects.redeemed is not None


@pytest.mark.parametrize(("wrong", "error"), [(True, "invalid_grant"), (False, "invalid_request")])
def test_a_wrong_or_missing_verifier_is_refused(wrong: bool, error: str) -> None:
    verifier = secrets.token_urlsafe(48) if wrong else None
    provider, _ = _authorize(secrets.token_urlsafe(48))
    params = {
        "grant_type": "authorization_code",
        "code": provider.effects.code or "",
        "redirect_uri": REDIRECT,
        "client_id": "connected-app-test-1",
    }
    if verifier is not None:
        params["code_verifier"] = verifier
    exchange = _provider(code=_stored_code(provider))
    answer = exchange.create_token_response(oauth2_request(params))
    assert (answer.status, answer.body["error"]) == (400, error)
    assert exchange.effects.token is None and exchange.effects.redeemed is None


def test_plain_pkce_and_a_public_client_without_pkce_are_refused() -> None:
    provider = _provider(issuing_code=True)
    base = {
        "client_id": "connected-app-test-1",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid",
    }
    for extra in ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, {}):
        with pytest.raises(Exception) as refused:
            provider.get_consent_grant(oauth2_request({**base, **extra}), end_user=SUBJECT)
        assert getattr(refused.value, "error", None) == "invalid_request"


def test_a_refresh_rotates_and_cannot_widen_the_scope() -> None:
    stored = IdpRefreshToken(
        token_id="r",
        token_digest="d",
        project_id="project-test-1",
        created_at=NOW,
        expires_at=NOW + timedelta(days=1),
        family_id="fam-1",
        client_id="connected-app-test-1",
        scopes=["openid", "offline_access"],
    )
    params = {"grant_type": "refresh_token", "refresh_token": "x", "client_id": "connected-app-test-1"}
    wider = _provider(refresh=stored).create_token_response(
        oauth2_request({**params, "scope": "openid email"})
    )
    assert (wider.status, wider.body["error"]) == (400, "invalid_scope")
    refresh = _provider(refresh=stored)
    answer = refresh.create_token_response(oauth2_request(params))
    assert answer.status == 200 and answer.body["refresh_token"] and refresh.effects.rotated is stored
