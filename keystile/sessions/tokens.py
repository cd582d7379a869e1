"""Opaque session tokens: 256 random bits, stored only as their SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets


def new_session_token() -> str:
    """A fresh session token (43 url-safe characters)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The stored form of a token; the token is random, so no salt or KDF is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
