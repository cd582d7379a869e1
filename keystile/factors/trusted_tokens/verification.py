"""A trusted auth token's verification against its profile: signature by one of the profile's keys
(fetched from its JWKS URL, or its PEM keys) under a pinned algorithm, then iss, aud, exp and the
mapped claims."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from keystile.errors import KeystileError
from keystile.factors.trusted_tokens.models import TrustedTokenProfile
from keystile.outbound import OutboundError, get_json

# Tolerated clock difference with the token's issuer (nbf, iat, exp).
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class VerifiedToken:
    """What an attested token says: the mapped attributes and its expiry."""

    email: str
    token_id: str
    organization_id: str | None
    expires_at: datetime


def _refused(detail: str) -> KeystileError:
    return KeystileError("invalid_trusted_auth_token", f"The trusted auth token is invalid: {detail}.")


async def _jwks(url: str) -> jwt.PyJWKSet:
    try:
        return jwt.PyJWKSet.from_dict(await get_json(url))
    except (OutboundError, jwt.PyJWKSetError, AttributeError, TypeError) as error:
        raise _refused("the profile's JWKS could not be fetched") from error


async def _candidate_keys(profile: TrustedTokenProfile, token: str) -> list[Any]:
    """The profile's keys that may have signed `token` (those of its `kid` when it names one)."""
    if profile.pem_keys is not None:
        return list(json.loads(profile.pem_keys))
    assert profile.jwks_url is not None
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.DecodeError:
        raise _refused("it is not a JWT") from None
    keys = [key.key for key in (await _jwks(profile.jwks_url)).keys if kid is None or key.key_id == kid]
    if not keys:
        raise _refused("no key of the profile's JWKS has its kid")
    return keys


def _decoded(profile: TrustedTokenProfile, token: str, keys: list[Any], now: datetime) -> dict[str, Any]:
    """The token's claims, verified by the first of `keys` whose signature matches."""
    error: jwt.InvalidTokenError = jwt.InvalidSignatureError()
    for key in keys:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=profile.algorithms.split(","),
                audience=profile.audience,
                issuer=profile.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"], "verify_iat": False},
            )
        except jwt.InvalidSignatureError as failed:
            error = failed
            continue
        except jwt.InvalidTokenError as failed:
            error = failed
            break
        return _unexpired(claims, now)
    raise _refused(str(error).rstrip(".").lower() or "its signature does not verify")


def _unexpired(claims: dict[str, Any], now: datetime) -> dict[str, Any]:
    # PyJWT checks exp against the system clock; keystile's clock is the one its tests move.
    if float(claims["exp"]) + LEEWAY_SECONDS < now.timestamp():
        raise _refused("it has expired")
    return claims


def _mapped(claims: dict[str, Any], mapping: dict[str, str], attribute: str) -> str | None:
    value = claims.get(mapping.get(attribute, ""))
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 512:
        raise _refused(f"its {attribute} claim is not a string")
    return value


async def verify(profile: TrustedTokenProfile, token: str, now: datetime) -> VerifiedToken:
    """The verified token's mapped attributes; `invalid_trusted_auth_token` when anything fails."""
    claims = _decoded(profile, token, await _candidate_keys(profile, token), now)
    email = _mapped(claims, profile.claim_mapping, "email")
    token_id = _mapped(claims, profile.claim_mapping, "token_id")
    if email is None or token_id is None:
        raise _refused("it lacks the email or token id claim")
    return VerifiedToken(
        email=email,
        token_id=token_id,
        organization_id=_mapped(claims, profile.claim_mapping, "organization_id"),
        expires_at=datetime.fromtimestamp(float(claims["exp"]), UTC),
    )
