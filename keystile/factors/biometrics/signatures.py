"""Ed25519 as the mobile SDKs speak it: public keys, challenges and signatures as standard base64 (how
Swift's JSONEncoder and the Android SDK encode bytes), checked with PyNaCl."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Final

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from keystile.errors import ErrorType, KeystileError

PUBLIC_KEY_BYTES: Final = 32
SIGNATURE_BYTES: Final = 64
CHALLENGE_BYTES: Final = 32


def _decoded(text: str, length: int, refusal: ErrorType) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeystileError(refusal) from error
    if len(raw) != length:
        raise KeystileError(refusal)
    return raw


def canonical_public_key(text: str) -> str:
    """The public key re-encoded canonically (so one key is one stored value); `invalid_biometric_public_key`
    unless it is base64 of 32 bytes."""
    return base64.b64encode(_decoded(text, PUBLIC_KEY_BYTES, "invalid_biometric_public_key")).decode()


def decoded_signature(text: str) -> bytes:
    """The signature's 64 bytes; `invalid_biometric_signature` unless it is base64 of them."""
    return _decoded(text, SIGNATURE_BYTES, "invalid_biometric_signature")


def new_challenge() -> str:
    """256 random bits, base64."""
    return base64.b64encode(secrets.token_bytes(CHALLENGE_BYTES)).decode()


def verifies(public_key: str, challenge: str, signature: bytes) -> bool:
    """Whether `signature` is the key's Ed25519 signature of the challenge's bytes."""
    try:
        VerifyKey(base64.b64decode(public_key)).verify(base64.b64decode(challenge), signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True
