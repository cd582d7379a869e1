"""Reading the operands of a search filter (Users, B2B organizations and members, M2M clients): lists of
strings, strings, booleans, and text escaped for SQL LIKE. A bad operand is `invalid_search_query`."""

from __future__ import annotations

from typing import Any

from keystile.errors import KeystileError
from keystile.text import has_control_characters

# Per filter; with at most 50 operands this keeps a query far below every driver's bind-parameter cap.
MAX_FILTER_VALUES = 100
# The longest text an operand may be (an email address's 320 characters).
MAX_TEXT_LENGTH = 320


def _is_short_text(value: Any, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length and not has_control_characters(value)


def strings(value: Any, *, field: str, max_length: int = MAX_TEXT_LENGTH) -> list[str]:
    """A list of 1 to `MAX_FILTER_VALUES` strings, each at most `max_length` long."""
    if (
        not isinstance(value, list)
        or not 0 < len(value) <= MAX_FILTER_VALUES
        or not all(_is_short_text(v, max_length) for v in value)
    ):
        raise KeystileError(
            "invalid_search_query", f"{field} takes a list of 1 to {MAX_FILTER_VALUES} short strings."
        )
    return value


def string(value: Any, *, field: str) -> str:
    """A non-empty string of at most `MAX_TEXT_LENGTH` characters."""
    if not _is_short_text(value, MAX_TEXT_LENGTH):
        raise KeystileError("invalid_search_query", f"{field} takes a non-empty short string.")
    return str(value)


def boolean(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise KeystileError("invalid_search_query", f"{field} takes a boolean.")
    return value


def like_escaped(value: str) -> str:
    """`value` with LIKE's escape character and wildcards escaped (use `escape="\\\\"`)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(value: str) -> str:
    """A case-folded LIKE pattern matching text that contains `value`."""
    return f"%{like_escaped(value.lower())}%"
