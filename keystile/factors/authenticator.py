"""Pure helpers for TOTP: secrets, matching a code to its time step (±1 step), recovery codes and
their keyed digests, and the provisioning QR code as a PNG data URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime
from typing import Final

import pyotp
import segno

from keystile.errors import KeystileError

STEP_SECONDS: Final = 30
CODE_DIGITS: Final = 6
# Steps either side of now whose code is still accepted: one covers clocks and typing delays.
WINDOW: Final = 1
RECOVERY_CODE_COUNT: Final = 10
# Lower-case letters and digits without look-alikes (0/o, 1/l): 32 symbols, 5 bits each.
RECOVERY_ALPHABET: Final = "abcdefghijkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS: Final = 3
RECOVERY_GROUP_LENGTH: Final = 4
RECOVERY_CODE: Final = re.compile(rf"^[{RECOVERY_ALPHABET}]{{{RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH}}}$")
# Stytch's bounds on how long a new registration waits for its first code (users and members alike).
MIN_EXPIRATION_MINUTES: Final = 5
MAX_EXPIRATION_MINUTES: Final = 1440


def registration_minutes(requested: int | None, *, default: int) -> int:
    """How long a new registration waits for its first code: `requested` within Stytch's bounds, else
    invalid_expiration; `default` when not given."""
    if requested is None:
        return default
    if not MIN_EXPIRATION_MINUTES <= requested <= MAX_EXPIRATION_MINUTES:
        raise KeystileError(
            "invalid_expiration",
            f"expiration_minutes must be between {MIN_EXPIRATION_MINUTES} and {MAX_EXPIRATION_MINUTES}.",
        )
    return requested


def new_secret() -> str:
    """160 random bits (RFC 4226's recommended key size) in unpadded base32, as authenticator apps
    expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def check_code(code: object) -> str:
    if not isinstance(code, str) or len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise KeystileError("invalid_totp_code")
    return code


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step within ±WINDOW of `now` whose code is `code`, or None."""
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_qr_code(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI for `secret` as a QR code, a `data:image/png;base64,…` URL."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
    return str(segno.make(uri, error="m").png_data_uri(scale=5, border=4))


def new_recovery_code() -> str:
    """Sixty random bits as `xxxx-xxxx-xxxx`."""
    symbols = "".join(
        secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH)
    )
    return "-".join(
        symbols[i : i + RECOVERY_GROUP_LENGTH] for i in range(0, len(symbols), RECOVERY_GROUP_LENGTH)
    )


def canonical_recovery_code(code: object) -> str:
    """A recovery code as typed (any case, with or without dashes and spaces) in its stored form."""
    canonical = imported_recovery_code(code)
    if not RECOVERY_CODE.match(canonical):
        raise KeystileError("invalid_recovery_code")
    return canonical


def imported_recovery_code(code: object) -> str:
    """A recovery code another system minted, in its stored form: 1 to 64 letters and digits once
    spaces and dashes are dropped, in lower case (keystile's own codes keep their form)."""
    if not isinstance(code, str) or len(code) > 64:
        raise KeystileError("invalid_recovery_code")
    canonical = re.sub(r"[\s-]", "", code).lower()
    if not canonical or not canonical.isascii() or not canonical.isalnum():
        raise KeystileError("invalid_recovery_code")
    return canonical


def imported_secret(secret: object) -> str:
    """A TOTP secret another system shared with an authenticator app: base32 of 80 to 512 bits."""
    if not isinstance(secret, str) or len(secret) > 128:
        raise KeystileError("invalid_argument", "secret must be a base32 TOTP secret.")
    canonical = re.sub(r"[\s=]", "", secret).upper()
    try:
        key = base64.b32decode(canonical + "=" * (-len(canonical) % 8))
    except ValueError as error:
        raise KeystileError("invalid_argument", "secret must be a base32 TOTP secret.") from error
    if not 10 <= len(key) <= 64:
        raise KeystileError("invalid_argument", "secret must be a base32 TOTP secret of 80 to 512 bits.")
    return canonical


def recovery_code_digest(secret: str, canonical_code: str) -> str:
    """A recovery code's stored digest, keyed by the registration's secret: a database dump without
    the encryption key cannot test the 2^60 candidates."""
    return hmac.new(secret.encode(), canonical_code.encode(), hashlib.sha256).hexdigest()
