"""Client secrets: 256 random bits when generated, an entropy floor when imported; stored only as
SHA-256 digests and checked in constant time (they are high-entropy, so no salt or slow KDF)."""

from __future__ import annotations

import hmac
import math
import secrets
import string

from keystile.errors import KeystileError
from keystile.projects.secrets import secret_digest

MIN_IMPORTED_LENGTH = 8
MAX_SECRET_LENGTH = 256
# A leaked digest of a 64-bit secret still takes centuries of SHA-256 guessing to reverse.
MIN_IMPORTED_BITS = 64
CHARACTER_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation)

__all__ = ["check_imported_secret", "new_client_secret", "secret_digest", "secret_matches"]


def new_client_secret() -> str:
    """A fresh client secret (43 url-safe characters)."""
    return secrets.token_urlsafe(32)


def _estimated_bits(secret: str) -> float:
    """Bits per character of the character classes the secret draws from, times its length; repeats
    count for little (each distinct character is credited at most twice)."""
    pool = sum(len(chars) for chars in CHARACTER_CLASSES if any(ch in chars for ch in secret))
    return min(len(secret), 2 * len(set(secret))) * math.log2(pool)


def check_imported_secret(secret: str) -> str:
    """A caller-chosen secret (imports): visible ASCII, long and varied enough to be a credential."""
    if (
        not MIN_IMPORTED_LENGTH <= len(secret) <= MAX_SECRET_LENGTH
        or not all("!" <= ch <= "~" for ch in secret)
        or _estimated_bits(secret) < MIN_IMPORTED_BITS
    ):
        raise KeystileError("invalid_client_secret")
    return secret


def secret_matches(presented: str, *digests: str | None) -> bool:
    """Whether `presented` is the secret behind any of `digests`, each compared in constant time."""
    digest = secret_digest(presented).encode()
    matched = False
    for stored in digests:
        if stored is not None:
            matched |= hmac.compare_digest(digest, stored.encode())
    return matched
