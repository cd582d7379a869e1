"""Stytch-style identifiers: `<kind>-test-<uuid4>` (the environment is always `test` today)."""

from __future__ import annotations

import uuid


def new_id(kind: str, environment: str = "test") -> str:
    """A fresh identifier such as `user-test-0b9c…`."""
    return f"{kind}-{environment}-{uuid.uuid4()}"


def new_request_id() -> str:
    """A request id as Stytch formats them."""
    return new_id("request-id")
