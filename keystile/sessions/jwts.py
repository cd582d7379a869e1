"""Session JWTs exactly as Stytch issues them and its SDKs verify them: RS256 with `kid` and `typ`,
`aud` [project_id], `iss` stytch.com/{project_id}, `sub`, `iat`/`nbf`/`exp`, the session claim, and
custom claims at the top level."""

from __future__ import annotations

import base64
import functools
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from keystile.clock import rfc3339
from keystile.errors import KeystileError

ALGORITHM = "RS256"
JWT_LIFETIME = timedelta(minutes=5)
SESSION_CLAIM = "https://stytch.com/session"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
REQUIRED_CLAIMS = ["aud", "iss", "sub", "iat", "nbf", "exp"]
# A JWT minted by another server of the fleet whose clock runs up to this much ahead of ours is valid
# already (`nbf`/`iat` in our future); one from further ahead is not. Expiry needs no leeway: an
# expired JWT is refreshed as long as its session is active (see sessions.service).
CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class SigningMaterial:
    kid: str
    private_key: rsa.RSAPrivateKey


@dataclass(frozen=True)
class VerifiedClaims:
    session_id: str
    user_id: str
    claims: dict[str, Any]


def issuer(project_id: str) -> str:
    return f"stytch.com/{project_id}"


class SessionRecord(Protocol):
    """What a session JWT is minted from: a consumer `Session` or a B2B member session."""

    project_id: str
    session_id: str
    started_at: datetime
    last_accessed_at: datetime
    expires_at: datetime
    attributes: dict[str, str]
    authentication_factors: list[dict[str, Any]]
    custom_claims: dict[str, Any]

    @property
    def subject_id(self) -> str: ...


def session_claim(session: SessionRecord, roles: list[str]) -> dict[str, Any]:
    """The `https://stytch.com/session` claim (the SDKs read every one of these keys)."""
    return {
        "id": session.session_id,
        "started_at": rfc3339(session.started_at),
        "last_accessed_at": rfc3339(session.last_accessed_at),
        "expires_at": rfc3339(session.expires_at),
        "attributes": {
            "ip_address": session.attributes.get("ip_address", ""),
            "user_agent": session.attributes.get("user_agent", ""),
        },
        "authentication_factors": session.authentication_factors,
        "roles": roles,
    }


def mint_jwt(
    session: SessionRecord,
    *,
    roles: list[str],
    key: SigningMaterial,
    now: datetime,
    stytch_claims: dict[str, Any] | None = None,
) -> str:
    """A JWT for any kind of session, valid for five minutes but never past the session's own expiry,
    with further `https://stytch.com/…` claims (B2B's
    organization claim) beside the session claim."""
    issued_at = int(now.timestamp())
    expires = min(issued_at + int(JWT_LIFETIME.total_seconds()), int(session.expires_at.timestamp()))
    claims = {
        **session.custom_claims,
        "aud": [session.project_id],
        "iss": issuer(session.project_id),
        "sub": session.subject_id,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": expires,
        SESSION_CLAIM: session_claim(session, roles),
        **(stytch_claims or {}),
    }
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})


def unverified_kid(token: str) -> str:
    """The `kid` of a JWT's header, refusing any algorithm but RS256 before a key is even looked up.

    Only the header is read, to pick the key: `signed_claims` then checks the whole token with
    PyJWT (whose strict parsing of all three parts, character by character, is the slowest step of a
    JWT authenticate, so it is done once rather than twice)."""
    segments = token.split(".")
    if len(segments) != 3:
        raise KeystileError("unable_to_parse_session_jwt")
    return _kid_of_header(segments[0])


@functools.lru_cache(maxsize=256)
def _kid_of_header(segment: str) -> str:
    """The `kid` of an encoded JWT header. Every JWT a key signs has the same header: remembering the
    last few spares parsing it on every authenticate (a refused header is never remembered)."""
    try:
        if not _BASE64URL.fullmatch(segment):
            raise ValueError("not base64url")
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, RecursionError) as error:  # bad base64, UTF-8 or JSON, or JSON nested too deep
        raise KeystileError("unable_to_parse_session_jwt") from error
    kid = header.get("kid") if isinstance(header, dict) else None
    if not isinstance(kid, str) or not kid or header.get("alg") != ALGORITHM:
        raise KeystileError("unable_to_parse_session_jwt", "The JWT must be RS256 with a key id.")
    return kid


def _instant(claims: dict[str, Any], name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KeystileError("jwt_invalid_claims", f"'{name}' must be a number.")
    return float(value)


def signed_claims(token: str, *, public_key: rsa.RSAPublicKey | None, project_id: str) -> dict[str, Any]:
    """The claims of a JWT signed by `public_key` for `project_id` (audience, issuer, the claims every
    session JWT has), whatever the time: what stays true of the token's text for good."""
    if public_key is None:
        raise KeystileError("unable_to_parse_session_jwt", "The JWT was not signed by a key of this project.")
    try:
        return jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            audience=project_id,
            issuer=issuer(project_id),
            # Times are checked by `claims_at`, against the injected clock rather than PyJWT's.
            options={
                "require": REQUIRED_CLAIMS,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidAudienceError as error:
        raise KeystileError("jwt_invalid_audience") from error
    except jwt.InvalidIssuerError as error:
        raise KeystileError("jwt_invalid_issuer") from error
    except jwt.MissingRequiredClaimError as error:
        raise KeystileError("jwt_invalid_claims", f"The JWT lacks the '{error.claim}' claim.") from error
    except jwt.PyJWTError as error:
        raise KeystileError("unable_to_parse_session_jwt") from error


def claims_at(claims: dict[str, Any], *, now: datetime, allow_expired: bool = False) -> VerifiedClaims:
    """`signed_claims` checked at `now`: valid from `CLOCK_SKEW_SECONDS` before `nbf` and `iat`, until
    `exp` unless `allow_expired`; and naming a session and its user."""
    moment = now.timestamp()
    if max(_instant(claims, "nbf"), _instant(claims, "iat")) > moment + CLOCK_SKEW_SECONDS:
        raise KeystileError("jwt_invalid_claims", "The JWT is not valid yet.")
    if not allow_expired and _instant(claims, "exp") <= moment:
        raise KeystileError("jwt_invalid_claims", "The JWT has expired.")
    session = claims.get(SESSION_CLAIM)
    subject = claims["sub"]
    if (
        not isinstance(session, dict)
        or not isinstance(session.get("id"), str)
        or not isinstance(subject, str)
    ):
        raise KeystileError("jwt_invalid_claims", f"The JWT lacks the '{SESSION_CLAIM}' claim.")
    return VerifiedClaims(session_id=session["id"], user_id=subject, claims=claims)
