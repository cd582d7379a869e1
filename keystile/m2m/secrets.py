"""Client secrets: 256 random bits when generated, an entropy floor when imported; stored only as
SHA-256 digests and checked in constant time. They are high-entropy, so a salt or a slow KDF would add
little, and a slow KDF on the token endpoint would let any caller spend the server's CPU."""

from __future__ import annotations

import secrets
from typing import Any

from zxcvbn import zxcvbn  # type: ignore[import-untyped]

from keystile.errors import KeystileError
from keystile.projects.secrets import secret_digest
from keystile.tokens import digest_matches as secret_matches

MIN_IMPORTED_LENGTH = 20
MAX_SECRET_LENGTH = 256
# zxcvbn's estimate of the guesses an attacker needs, which sees through repeats, dates, keyboard
# runs and words (`Summer2024!Summer2024!` needs about 10^8): 10^20, about 66 bits, is out of reach of
# SHA-256 guessing against a leaked digest. It credits a random character with 10 guesses, so random
# secrets pass from 20 characters.
MIN_IMPORTED_GUESSES_LOG10 = 20
# zxcvbn's matching grows faster than linearly with length; a longer secret is judged by its start.
MAX_EVALUATED_CHARACTERS = 64

__all__ = ["check_imported_secret", "new_client_secret", "secret_digest", "secret_matches"]


def new_client_secret() -> str:
    """A fresh client secret (43 url-safe characters)."""
    return secrets.token_urlsafe(32)


def _guesses_log10(secret: str) -> float:
    estimate: dict[str, Any] = zxcvbn(secret[:MAX_EVALUATED_CHARACTERS])
    return float(estimate["guesses_log10"])


def check_imported_secret(secret: str) -> str:
    """A caller-chosen secret (imports): visible ASCII, long and varied enough to be a credential."""
    if (
        not MIN_IMPORTED_LENGTH <= len(secret) <= MAX_SECRET_LENGTH
        or not all("!" <= ch <= "~" for ch in secret)
        or _guesses_log10(secret) < MIN_IMPORTED_GUESSES_LOG10
    ):
        raise KeystileError("m2m_client_invalid_client_secret")
    return secret
