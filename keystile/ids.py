"""Stytch-style identifiers: `<kind>-<environment>-<uuid4>`. Projects and their secrets carry the
project's environment (`project-live-…`); the ids of everything inside a project say `test` whatever
its environment, as they always have."""

from __future__ import annotations

import re
import uuid
from functools import cache
from typing import Final

# What any identifier keystile issues looks like (`user-test-<uuid>`), bounded by its column size.
ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{1,96}")
UUID_PATTERN: Final = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def new_id(kind: str, environment: str = "test") -> str:
    """A fresh identifier such as `user-test-0b9c…`."""
    return f"{kind}-{environment}-{uuid.uuid4()}"


def new_request_id() -> str:
    """A request id as Stytch formats them."""
    return new_id("request-id")


def is_well_formed_id(text: str) -> bool:
    """Whether `text` could be an identifier keystile issued (it may still not exist)."""
    return ID_PATTERN.fullmatch(text) is not None


@cache
def typed_id_pattern(*kinds: str) -> re.Pattern[str]:
    """The exact form of an id of one of `kinds` (`user` -> `user-test-<uuid>` or `user-live-<uuid>`)."""
    names = "|".join(re.escape(kind) for kind in kinds)
    return re.compile(rf"(?:{names})-(?:test|live)-{UUID_PATTERN}")
