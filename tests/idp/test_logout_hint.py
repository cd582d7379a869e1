"""The ID token hint of RP-Initiated Logout, checked in memory: the provider's signature and issuer,
the client it was issued to; an expired hint still names its session, a future one does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from keystile.errors import KeystileError
from keystile.idp.logout import Hint, verified_hint

NOW = datetime.now(UTC).replace(microsecond=0)
ISSUER = "https://auth.example/v1/public/project-test-1"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _id_token(key: rsa.RSAPrivateKey = KEY, **changes: Any) -> str:
    issued = int((NOW - timedelta(days=2)).timestamp())
    claims = {"iss": ISSUER, "sub": "user-test-1", "aud": ["client-1"], "iat": issued, "exp": issued + 3600}
    claims["sid"] = "idp-token-family-test-1"
    return jwt.encode({**claims, **changes}, key, algorithm="RS256")


def _hint(token: str, client_id: str | None = None) -> Hint:
    return verified_hint(token, KEY.public_key(), issuer=ISSUER, client_id=client_id, now=NOW)


def test_an_expired_hint_names_its_subject_client_and_grant() -> None:
    assert _hint(_id_token()) == Hint("user-test-1", "client-1", "idp-token-family-test-1")
    assert _hint(_id_token(), client_id="client-1").client_id == "client-1"


@pytest.mark.parametrize(
    ("token", "client_id"),
    [
        (_id_token(rsa.generate_private_key(public_exponent=65537, key_size=2048)), None),
        (_id_token(iss="stytch.com/project-test-1"), None),
        (_id_token(), "client-2"),
        (_id_token(aud=["client-1", "client-2"]), None),
        (_id_token(iat=int((NOW + timedelta(hours=1)).timestamp())), None),
        (_id_token(sub=None), None),
    ],
)
def test_a_hint_not_from_this_provider_for_this_client_is_refused(token: str, client_id: str | None) -> None:
    with pytest.raises(KeystileError) as refused:
        _hint(token, client_id)
    assert refused.value.error_type == "invalid_request"


def test_a_hint_without_a_key_is_refused() -> None:
    with pytest.raises(KeystileError):
        verified_hint(_id_token(), None, issuer=ISSUER, client_id=None, now=NOW)
