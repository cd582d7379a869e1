"""Pure helpers for magic-link tokens: generation, digests, PKCE S256, links, expiry bounds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from keystile.errors import KeystileError

MIN_EXPIRATION_MINUTES = 5
MAX_EXPIRATION_MINUTES = 10080
LOGIN_EXPIRATION_MINUTES = 60
SIGNUP_EXPIRATION_MINUTES = 10080
INVITE_EXPIRATION_MINUTES = 10080
EMBEDDED_EXPIRATION_MINUTES = 60
# RFC 7636 section 4.1: 43 to 128 unreserved characters.
CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def new_token() -> str:
    """256 bits from `secrets`, URL-safe: the same shape as Stytch's tokens."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expiration_minutes(requested: int | None, default: int) -> int:
    if requested is None:
        return default
    if not MIN_EXPIRATION_MINUTES <= requested <= MAX_EXPIRATION_MINUTES:
        raise KeystileError("invalid_expiration")
    return requested


def check_code_challenge(challenge: str | None) -> str | None:
    """A PKCE S256 challenge is the unpadded base64url of a SHA-256 digest: 43 characters."""
    if challenge is None or challenge == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(challenge + "=" * (-len(challenge) % 4))
    except ValueError as error:
        raise KeystileError("invalid_code_challenge") from error
    if len(challenge) != 43 or len(raw) != 32:
        raise KeystileError("invalid_code_challenge")
    return challenge


def verifier_matches(challenge: str, verifier: str | None) -> bool:
    """RFC 7636 S256: BASE64URL(SHA256(verifier)) == challenge, compared in constant time. A verifier
    outside RFC 7636's 43 to 128 unreserved characters matches nothing."""
    if verifier is None or not CODE_VERIFIER.fullmatch(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return hmac.compare_digest(computed.encode(), challenge.encode())


def magic_link(redirect_url: str, token: str, token_type: str = "magic_links") -> str:  # noqa: S107
    """`{redirect_url}?stytch_token_type=…&token=…`, keeping any query the URL already has."""
    parts = urlsplit(redirect_url)
    query = [*parse_qsl(parts.query), ("stytch_token_type", token_type), ("token", token)]
    return urlunsplit(parts._replace(query=urlencode(query)))
