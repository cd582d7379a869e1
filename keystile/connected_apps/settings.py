"""Checks on what a caller sets on a Connected App: its type, texts, URLs, token lifetime and
templates. Each refusal is a 400 naming the field."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from keystile.errors import KeystileError
from keystile.projects.redirects import validate_redirect_url
from keystile.text import has_control_characters

CONFIDENTIAL_TYPES: Final = ("first_party", "third_party")
PUBLIC_TYPES: Final = ("first_party_public", "third_party_public")
CLIENT_TYPES: Final = CONFIDENTIAL_TYPES + PUBLIC_TYPES
FIRST_PARTY_TYPES: Final = ("first_party", "first_party_public")
DEFAULT_ACCESS_TOKEN_MINUTES: Final = 60
# From five minutes to a day: access tokens are not revocable before they expire.
MIN_ACCESS_TOKEN_MINUTES, MAX_ACCESS_TOKEN_MINUTES = 5, 1440
MAX_URLS: Final = 50
MAX_TEMPLATE_LENGTH: Final = 4096
# RFC 8252 section 7.1: a native app's private-use scheme is a reversed domain name (com.example.app).
PRIVATE_USE_SCHEME: Final = re.compile(r"[a-z][a-z0-9+-]*(?:\.[a-z0-9+-]+)+")


def check_client_type(client_type: str) -> str:
    if client_type not in CLIENT_TYPES:
        raise KeystileError("invalid_argument", f"client_type must be one of {', '.join(CLIENT_TYPES)}.")
    return client_type


def check_text(value: str | None, *, field: str, limit: int) -> str:
    """Free text without control characters, at most `limit` characters; None is empty."""
    if value is None:
        return ""
    if len(value) > limit or has_control_characters(value):
        raise KeystileError(
            "invalid_argument", f"{field} must be at most {limit} characters without control characters."
        )
    return value


def _check_redirect_url(url: str) -> str:
    """An absolute http(s) URL, or a native app's private-use scheme URI (RFC 8252)."""
    scheme = urlsplit(url).scheme
    if PRIVATE_USE_SCHEME.fullmatch(scheme):
        if len(url) > 2048 or any(ord(ch) < 0x21 for ch in url) or "#" in url:
            raise KeystileError(
                "invalid_argument", "Redirect URL is too long or contains control characters."
            )
        return url
    return validate_redirect_url(url)


def check_redirect_urls(urls: list[str] | None) -> list[str]:
    """Distinct redirect URLs, each absolute: matched exactly when a flow names one."""
    checked = [_check_redirect_url(url) for url in urls or []]
    if len(checked) > MAX_URLS:
        raise KeystileError("invalid_argument", f"At most {MAX_URLS} redirect URLs per Connected App.")
    return list(dict.fromkeys(checked))


def check_logo_url(url: str | None) -> str | None:
    return None if url is None or url == "" else validate_redirect_url(url)


def check_access_token_minutes(minutes: int | None) -> int:
    if minutes is None:
        return DEFAULT_ACCESS_TOKEN_MINUTES
    if not MIN_ACCESS_TOKEN_MINUTES <= minutes <= MAX_ACCESS_TOKEN_MINUTES:
        raise KeystileError(
            "invalid_argument",
            f"access_token_expiry_minutes must be between {MIN_ACCESS_TOKEN_MINUTES}"
            f" and {MAX_ACCESS_TOKEN_MINUTES}.",
        )
    return minutes


def check_template(template: str | None, *, field: str) -> str:
    """A claims template, kept as given (the authorization server renders it); bounded in size."""
    if template is None:
        return ""
    if len(template) > MAX_TEMPLATE_LENGTH or "\x00" in template:
        raise KeystileError("invalid_argument", f"{field} must be at most {MAX_TEMPLATE_LENGTH} characters.")
    return template


def check_first_party_only(client_type: str, *, full_access_allowed: bool, bypass_consent: bool) -> None:
    """`full_access_allowed` and `bypass_consent_for_offline_access` are for first-party clients."""
    if client_type not in FIRST_PARTY_TYPES and (full_access_allowed or bypass_consent):
        raise KeystileError(
            "invalid_argument",
            "full_access_allowed and bypass_consent_for_offline_access are valid for first party"
            " clients only.",
        )
