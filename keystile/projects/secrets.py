"""High-entropy project secrets: generated once, stored as SHA-256 digests, checked cheaply."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(environment: str) -> str:
    """A fresh project secret (256 bits of entropy)."""
    return f"secret-{environment}-{secrets.token_urlsafe(32)}"


def new_public_token(environment: str) -> str:
    """A public token for browser-side SDKs; not a credential for the backend API."""
    return f"public-token-{environment}-{secrets.token_hex(16)}"


def secret_digest(secret: str) -> str:
    """The stored form of a secret: a SHA-256 digest (the secret is random, so no salt or KDF)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
