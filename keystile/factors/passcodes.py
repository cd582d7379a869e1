"""Pure helpers for passcodes: generation, keyed digests, format and expiry bounds.

A six-digit code has only 20 bits: a plain SHA-256 of it falls to a million guesses, so a database
dump alone would reveal every live code. Each code is instead an HMAC-SHA256 under its own random
256-bit key, and that key is stored encrypted with the server's at-rest key (Fernet): without the
server key the digests are worthless, and rotating the server key needs nothing of the codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from cryptography.fernet import MultiFernet

from keystile.errors import KeystileError

CODE_DIGITS: Final = 6
DEFAULT_EXPIRATION_MINUTES: Final = 2
MIN_EXPIRATION_MINUTES: Final = 1
MAX_EXPIRATION_MINUTES: Final = 10
# Wrong tries a single code survives; the next try is refused even with the right code.
MAX_ATTEMPTS: Final = 5


def new_code() -> str:
    """Six decimal digits, uniformly from `secrets`."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def check_code(code: object) -> str:
    """The code as given when it is six ASCII digits; anything else is a 400."""
    if not isinstance(code, str) or len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise KeystileError("invalid_code")
    return code


def expiration_minutes(requested: int | None, default: int = DEFAULT_EXPIRATION_MINUTES) -> int:
    """The lifetime asked for, within Stytch's bounds, or `default` (Stytch's B2B email codes: 10)."""
    if requested is None:
        return default
    if not MIN_EXPIRATION_MINUTES <= requested <= MAX_EXPIRATION_MINUTES:
        raise KeystileError("invalid_expiration_otp")
    return requested


def seal(cipher: MultiFernet, code: str) -> tuple[str, str]:
    """(the encrypted per-code key, the code's digest under it) to store."""
    key = secrets.token_bytes(32)
    return cipher.encrypt(key).decode("ascii"), hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def matches(cipher: MultiFernet, *, code_key_encrypted: str, code_digest: str, code: str) -> bool:
    """Whether `code` is the sealed one, compared in constant time."""
    key = cipher.decrypt(code_key_encrypted.encode("ascii"))
    candidate = hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(candidate, code_digest)


@dataclass(frozen=True)
class NewPasscode:
    """A fresh code: the `Passcode` columns that store it, and the context of its message."""

    columns: dict[str, Any]
    context: dict[str, Any]


def new_passcode(cipher: MultiFernet, now: datetime, minutes: int) -> NewPasscode:
    """A new code, sealed, expiring `minutes` after `now`."""
    code = new_code()
    key_encrypted, digest = seal(cipher, code)
    columns = {
        "code_key_encrypted": key_encrypted,
        "code_digest": digest,
        "attempts": 0,
        "created_at": now,
        "expires_at": now + timedelta(minutes=minutes),
    }
    return NewPasscode(columns, {"code": code, "expiration_minutes": minutes})
