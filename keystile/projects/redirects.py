"""The kinds of redirect URL a project allows, and validation of a URL before it is allowed."""

from __future__ import annotations

import hashlib
from typing import Final
from urllib.parse import urlsplit

from keystile.errors import KeystileError

URL_TYPES: Final = ("login", "signup", "invite", "reset_password", "discovery")


def url_digest(url: str) -> str:
    """A fixed-size key for a URL, for the uniqueness index."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def validate_redirect_url(url: str) -> str:
    """Accept absolute http(s) URLs with a host and no fragment; refuse everything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise KeystileError("invalid_argument", f"Redirect URL must be an absolute http(s) URL: {url!r}")
    if len(url) > 2048 or any(ord(ch) < 0x21 for ch in url):
        raise KeystileError("invalid_argument", "Redirect URL is too long or contains control characters.")
    return url


def validate_url_types(types: list[str]) -> list[str]:
    """Check each type is one Stytch knows."""
    for url_type in types:
        if url_type not in URL_TYPES:
            raise KeystileError("invalid_argument", f"Unknown redirect URL type {url_type!r}.")
    return types
