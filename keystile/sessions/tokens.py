"""Opaque session tokens: 256 random bits, stored only as their SHA-256 digest (`keystile.tokens`)."""

from __future__ import annotations

from keystile.tokens import digest as token_digest
from keystile.tokens import new_token as new_session_token

__all__ = ["new_session_token", "token_digest"]
