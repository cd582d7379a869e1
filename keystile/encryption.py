"""Encryption at rest (JWT signing keys, TOTP secrets, passcode keys) with Fernet, under the key(s)
from `KEYSTILE_ENCRYPTION_KEY` or, when that is unset, a key generated once into
`.keystile/encryption.key`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import structlog
from cryptography.fernet import Fernet, MultiFernet

from keystile.config import DEFAULT_DATA_DIR, Settings

GENERATED_KEY_FILE = DEFAULT_DATA_DIR / "encryption.key"

log = structlog.get_logger("keystile.encryption")


def at_rest_cipher(settings: Settings, key_file: Path = GENERATED_KEY_FILE) -> MultiFernet:
    """The cipher for secrets at rest: the first configured key encrypts, every one decrypts."""
    if settings.encryption_key is not None:
        keys = [k.strip() for k in settings.encryption_key.get_secret_value().split(",") if k.strip()]
    else:
        keys = [_generated_key(key_file)]
        log.warning(
            "encryption_key_from_file",
            path=str(key_file),
            hint="set KEYSTILE_ENCRYPTION_KEY, the same on every server, outside development",
        )
    if not keys:
        raise ValueError("KEYSTILE_ENCRYPTION_KEY is empty: give one or more Fernet keys.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        # The message names the expected format, never the value.
        raise ValueError("KEYSTILE_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes).") from None


def _generated_key(key_file: Path) -> str:
    """The key in `key_file`, created with mode 0600 on first use.

    Two processes starting at once agree on one key: each writes its candidate to a private temporary
    file and hard-links it into place, which succeeds for exactly one of them.
    """
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd, candidate = tempfile.mkstemp(dir=key_file.parent, prefix=f".{key_file.name}.")  # mode 0600
        with os.fdopen(fd, "wb") as out:
            out.write(Fernet.generate_key())
        try:
            os.link(candidate, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(candidate)
    return key_file.read_text().strip()
