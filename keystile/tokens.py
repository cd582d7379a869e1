"""Single-use tokens: new ones, their stored digest, PKCE S256, the `?token=` link, and the rules a
presented token must pass before it is redeemed (`keystile.db.single_use` finds and redeems the row)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from keystile.errors import KeystileError

# RFC 7636 section 4.1: 43 to 128 unreserved characters.
CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


class Redeemable(Protocol):
    """A stored single-use token: unusable once consumed or expired."""

    @property
    def consumed_at(self) -> datetime | None: ...

    @property
    def expires_at(self) -> datetime: ...


class Challenged(Redeemable, Protocol):
    """A single-use token that may have been issued with a PKCE challenge."""

    @property
    def code_challenge(self) -> str | None: ...


def new_token() -> str:
    """256 bits from `secrets`, URL-safe: the same shape as Stytch's tokens."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a token; the token is random, so no salt or KDF is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digest_matches(presented: str, *digests: str | None) -> bool:
    """Whether `presented` is the token or secret behind any of `digests`, each compared in constant
    time (a secret being rotated has two)."""
    presented_digest = digest(presented).encode()
    matched = False
    for stored in digests:
        if stored is not None:
            matched |= hmac.compare_digest(presented_digest, stored.encode())
    return matched


def link(redirect_url: str, token: str, token_type: str = "magic_links") -> str:  # noqa: S107
    """`{redirect_url}?stytch_token_type=…&token=…`, keeping any query the URL already has."""
    parts = urlsplit(redirect_url)
    query = [*parse_qsl(parts.query), ("stytch_token_type", token_type), ("token", token)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def usable(row: Redeemable, now: datetime) -> bool:
    return row.consumed_at is None and row.expires_at > now


def check_challenge(challenge: str | None) -> str | None:
    """A PKCE S256 challenge is the unpadded base64url of a SHA-256 digest: 43 characters."""
    if challenge is None or challenge == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(challenge + "=" * (-len(challenge) % 4))
    except ValueError as error:
        raise KeystileError("invalid_pkce_code_challenge") from error
    if len(challenge) != 43 or len(raw) != 32:
        raise KeystileError("invalid_pkce_code_challenge")
    return challenge


def verifier_matches(challenge: str, verifier: str | None) -> bool:
    """RFC 7636 S256: BASE64URL(SHA256(verifier)) == challenge, compared in constant time. A verifier
    outside RFC 7636's 43 to 128 unreserved characters matches nothing."""
    if verifier is None or not CODE_VERIFIER.fullmatch(verifier):
        return False
    hashed = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(hashed).decode().rstrip("=")
    return hmac.compare_digest(computed.encode(), challenge.encode())


def check_pkce(row: Challenged, verifier: str | None, *, issued_as: str) -> None:
    """Refuse a verifier that does not match the row's challenge, or one given for a token issued
    without a challenge (`issued_as` names it: "a link sent"). The token stays usable either way, so a
    bystander cannot burn a user's link."""
    if row.code_challenge is not None and not verifier_matches(row.code_challenge, verifier):
        raise KeystileError("pkce_mismatch")
    if row.code_challenge is None and verifier:
        raise KeystileError("pkce_mismatch", f"A code_verifier was given for {issued_as} without PKCE.")
