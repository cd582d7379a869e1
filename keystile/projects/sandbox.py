"""Stytch's documented sandbox values, which answer in test projects only. They are public test
fixtures from Stytch's docs, not credentials."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final
from urllib.parse import urlsplit

from keystile.errors import KeystileError
from keystile.text import has_control_characters

SANDBOX_EMAIL: Final = "sandbox@stytch.com"
SANDBOX_PHONE: Final = "+10000000000"
SANDBOX_CODE: Final = "000000"
SUCCESS_TOKEN: Final = "DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94="  # noqa: S105
UNABLE_TO_AUTH_TOKEN: Final = "3pzjQpgksDlGKWEwUq2Up--hCHC_0oamfLHyfspKDFU="  # noqa: S105
NOT_FOUND_TOKEN: Final = "CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM="  # noqa: S105
MAGIC_LINK_TOKENS: Final = frozenset({SUCCESS_TOKEN, UNABLE_TO_AUTH_TOKEN, NOT_FOUND_TOKEN})

# The ids and session token Stytch's Test environment answers with.
SANDBOX_USER_ID: Final = "user-test-e3795c81-f849-4167-bfda-e4a6e9c280fd"
SANDBOX_EMAIL_ID: Final = "email-test-23873e89-d4ed-4e92-b3b9-e5c7198fa286"
SANDBOX_PHONE_ID: Final = "phone-number-test-98cfbe19-6c8f-4b8b-b62a-e78a5a7bdff3"
SANDBOX_SESSION_ID: Final = "session-test-fe6c042b-6286-479f-8a4f-b046a6c46509"
SANDBOX_SESSION_TOKEN: Final = "WJtR5BCy38Szd5AfoDpf0iqFKEt4EE5JhjlWUY7l3FtY"  # noqa: S105
# The session token Stytch documents as answering 404 session_not_found (no session has it).
SESSION_NOT_FOUND_TOKEN: Final = "59cnLELtq5cFVS6uYK9f-pAWzBkhqZl8AvLhbhOvKNWw"  # noqa: S105
SANDBOX_STARTED_AT: Final = datetime(2021, 8, 28, 0, 41, 59, tzinfo=UTC)


def check_redirect_urls(*urls: str | None) -> None:
    """A sandbox request may name any redirect URL, as Stytch's sandbox allows, but a well-formed one:
    a scheme and a place (`https://app.example/cb`, `myapp://callback`), no spaces or control characters."""
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        if not parts.scheme or not (parts.netloc or parts.path) or " " in url or has_control_characters(url):
            raise KeystileError("invalid_magic_link_url", "The redirect URL is not a well-formed URL.")
