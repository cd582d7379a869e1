"""Session JWTs: minted as Stytch mints them, and every forgery or out-of-window token refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from keystile.errors import KeystileError
from keystile.sessions.jwts import (
    SESSION_CLAIM,
    SigningMaterial,
    mint_jwt,
    unverified_kid,
)
from keystile.sessions.models import Session
from keystile.sessions.verified_jwts import VerifiedJwts

PROJECT = "project-test-11111111-1111-4111-8111-111111111111"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KEY = SigningMaterial(kid="jwk-test-a", private_key=PRIVATE)


def a_session(**changes: object) -> Session:
    fields: dict[str, object] = {
        "session_id": "session-test-1",
        "project_id": PROJECT,
        "user_id": "user-test-1",
        "token_digest": "0" * 64,
        "started_at": NOW - timedelta(minutes=1),
        "last_accessed_at": NOW,
        "expires_at": NOW + timedelta(hours=1),
        "authentication_factors": [{"type": "magic_link", "delivery_method": "email"}],
        "custom_claims": {"plan": "pro", "nested": {"a": 1}},
        "attributes": {"ip_address": "203.0.113.1", "user_agent": "pytest"},
    }
    fields.update(changes)
    return Session(**fields)


def minted(**changes: object) -> str:
    return mint_jwt(a_session(**changes), roles=["stytch_user"], key=KEY, now=NOW)


def verify(token: str, *, now: datetime = NOW, project_id: str = PROJECT, allow_expired: bool = False) -> str:
    fresh = VerifiedJwts()  # nothing remembered: every check is made
    public_key = PRIVATE.public_key()
    return fresh.verify(
        token, public_key=public_key, project_id=project_id, now=now, allow_expired=allow_expired
    ).session_id


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def refused(call: object) -> str:
    assert callable(call)
    with pytest.raises(KeystileError) as caught:
        call()
    return caught.value.error_type


def test_claims_and_header_are_stytchs() -> None:
    token = minted()
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "kid": "jwk-test-a", "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    iat = int(NOW.timestamp())
    assert claims["aud"] == [PROJECT]
    assert claims["iss"] == f"stytch.com/{PROJECT}"
    assert claims["sub"] == "user-test-1"
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (iat, iat, iat + 300)
    assert claims["plan"] == "pro" and claims["nested"] == {"a": 1}
    assert claims[SESSION_CLAIM] == {
        "id": "session-test-1",
        "started_at": "2026-01-02T03:03:05Z",
        "last_accessed_at": "2026-01-02T03:04:05Z",
        "expires_at": "2026-01-02T04:04:05Z",
        "attributes": {"ip_address": "203.0.113.1", "user_agent": "pytest"},
        "authentication_factors": [{"type": "magic_link", "delivery_method": "email"}],
        "roles": ["stytch_user"],
    }
    assert verify(token) == "session-test-1"
    assert unverified_kid(token) == "jwk-test-a"


def test_exp_never_passes_the_session_expiry() -> None:
    token = minted(expires_at=NOW + timedelta(seconds=90))
    assert jwt.decode(token, options={"verify_signature": False})["exp"] == int(NOW.timestamp()) + 90


def test_alg_none_is_refused() -> None:
    claims = jwt.decode(minted(), options={"verify_signature": False})
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': 'jwk-test-a'})}.{b64(claims)}."
    assert refused(lambda: unverified_kid(unsigned)) == "unable_to_parse_session_jwt"
    assert refused(lambda: verify(unsigned)) == "unable_to_parse_session_jwt"


def test_hs256_signed_with_the_public_key_is_refused() -> None:
    claims = jwt.decode(minted(), options={"verify_signature": False})
    public_pem = PRIVATE.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # PyJWT itself refuses to HMAC with a PEM key, so the forgery is assembled by hand.
    head = b64({"alg": "HS256", "typ": "JWT", "kid": "jwk-test-a"})
    body = b64(claims)
    mac = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    forged = f"{head}.{body}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert refused(lambda: unverified_kid(forged)) == "unable_to_parse_session_jwt"
    assert refused(lambda: verify(forged)) == "unable_to_parse_session_jwt"


def test_tampered_payload_or_foreign_key_is_refused() -> None:
    head, body, signature = minted().split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "user-test-attacker"
    assert refused(lambda: verify(f"{head}.{b64(claims)}.{signature}")) == "unable_to_parse_session_jwt"
    other = SigningMaterial("jwk-test-a", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    foreign = mint_jwt(a_session(), roles=[], key=other, now=NOW)
    assert refused(lambda: verify(foreign)) == "unable_to_parse_session_jwt"


def test_unknown_kid_is_refused() -> None:
    token = minted()
    call = lambda: VerifiedJwts().verify(token, public_key=None, project_id=PROJECT, now=NOW)  # noqa: E731
    assert refused(call) == "unable_to_parse_session_jwt"
    assert refused(lambda: unverified_kid("not-a-jwt")) == "unable_to_parse_session_jwt"


@pytest.mark.parametrize(
    "header",
    [
        b"[1, 2]",  # JSON, not an object
        b'"RS256"',
        b'{"alg": "RS256"}',  # no kid
        b'{"alg": "RS256", "kid": 7}',
        b'{"alg": "RS256", "kid": ""}',
        b'{"alg": "HS256", "kid": "jwk-test-a"}',
        b"\xff\xfe",  # not UTF-8
        b"{",
        b"[" * 100_000,  # deeper than the JSON parser recurses
    ],
)
def test_a_header_that_is_not_an_rs256_jws_header_with_a_kid_is_refused(header: bytes) -> None:
    encoded = base64.urlsafe_b64encode(header).rstrip(b"=").decode()
    _, payload, signature = minted().split(".")
    for token in (f"{encoded}.{payload}.{signature}", f"{encoded}!.{payload}.{signature}", encoded):
        assert refused(lambda token=token: unverified_kid(token)) == "unable_to_parse_session_jwt"


def test_time_window_tolerates_30_seconds_of_clock_skew_before_it_and_none_after() -> None:
    token = minted()
    assert verify(token, now=NOW + timedelta(seconds=299)) == "session-test-1"
    assert refused(lambda: verify(token, now=NOW + timedelta(seconds=300))) == "jwt_invalid_claims"
    # Minted by a server whose clock runs ahead of ours: up to 30 s is skew, beyond is not valid yet.
    assert verify(token, now=NOW - timedelta(seconds=30)) == "session-test-1"
    assert refused(lambda: verify(token, now=NOW - timedelta(seconds=31))) == "jwt_invalid_claims"
    assert refused(lambda: verify(token, now=NOW - timedelta(seconds=120))) == "jwt_invalid_claims"
    # Refreshing (sessions.authenticate) accepts an expired JWT, never a not-yet-valid one.
    assert verify(token, now=NOW + timedelta(days=1), allow_expired=True) == "session-test-1"
    assert refused(lambda: verify(token, now=NOW - timedelta(seconds=31), allow_expired=True)) == (
        "jwt_invalid_claims"
    )


@pytest.mark.parametrize("claim", ["iat", "nbf"])
def test_either_of_iat_and_nbf_too_far_ahead_is_refused(claim: str) -> None:
    claims = jwt.decode(minted(), options={"verify_signature": False})
    claims[claim] += 30
    ahead = jwt.encode(claims, PRIVATE, algorithm="RS256", headers={"kid": "jwk-test-a"})
    assert verify(ahead) == "session-test-1"
    claims[claim] += 1
    too_far = jwt.encode(claims, PRIVATE, algorithm="RS256", headers={"kid": "jwk-test-a"})
    assert refused(lambda: verify(too_far, allow_expired=True)) == "jwt_invalid_claims"


def test_wrong_audience_or_issuer_is_refused() -> None:
    claims = jwt.decode(minted(), options={"verify_signature": False})
    claims["aud"] = ["project-test-22222222-2222-4222-8222-222222222222"]
    wrong_audience = jwt.encode(claims, PRIVATE, algorithm="RS256", headers={"kid": "jwk-test-a"})
    assert refused(lambda: verify(wrong_audience)) == "jwt_invalid_audience"
    claims["aud"] = [PROJECT]
    claims["iss"] = "stytch.com/elsewhere"
    wrong_issuer = jwt.encode(claims, PRIVATE, algorithm="RS256", headers={"kid": "jwk-test-a"})
    assert refused(lambda: verify(wrong_issuer)) == "jwt_invalid_issuer"
    del claims["iss"]
    no_issuer = jwt.encode(claims, PRIVATE, algorithm="RS256", headers={"kid": "jwk-test-a"})
    assert refused(lambda: verify(no_issuer)) == "jwt_invalid_claims"
