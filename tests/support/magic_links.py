"""Helpers for magic-link tests: unique addresses, and the token inside a received email."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

from tests.support.smtp_sink import SmtpSink, body_text

LINK = re.compile(r"https?://\S+stytch_token_type=\S+")


def new_address(label: str = "user") -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}@example.com"


def received_link(sink: SmtpSink, to: str, timeout: float = 15.0) -> str:
    """The magic link in the next email to `to`."""
    found = LINK.search(body_text(sink.wait_for(to, timeout=timeout)))
    assert found is not None, "no magic link in the email"
    return found.group(0)


def token_of(link: str, token_type: str = "magic_links") -> str:
    """The token of a link of `token_type` (B2B: `discovery` or `multi_tenant_magic_links`)."""
    query = parse_qs(urlsplit(link).query)
    assert query["stytch_token_type"] == [token_type]
    return query["token"][0]
