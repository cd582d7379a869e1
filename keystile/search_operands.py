"""The search endpoints' shared parts (Users, B2B organizations and members, M2M clients): the
`{operator, operands}` query read into SQL conditions by a table of filters, the operands' values
(lists of strings, strings, booleans, times, text escaped for SQL LIKE), cursors and page limits. A bad
operand is `invalid_search_query`."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, false, or_

from keystile.errors import KeystileError
from keystile.ids import is_well_formed_id
from keystile.text import has_control_characters

# Each filter reads its operand's value into one SQL condition.
Filters = Mapping[str, Callable[[Any], ColumnElement[bool]]]
MAX_OPERANDS = 50
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100

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


def parse_time(text: str) -> datetime:
    """An ISO 8601 / RFC 3339 time as an aware UTC datetime (naive means UTC); ValueError if it is
    not one, or if it is one that cannot be expressed in UTC (such as year 1 at +14:00)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("time out of range") from error


def parse_search(query: dict[str, Any] | None, filters: Filters) -> list[ColumnElement[bool]]:
    """The SQL conditions (all of which must hold) for a search query; an empty or absent query matches
    everything."""
    if not query:
        return []
    operator = query.get("operator", "AND")
    operands = query.get("operands", [])
    if operator not in ("AND", "OR") or not isinstance(operands, list) or len(operands) > MAX_OPERANDS:
        raise KeystileError("invalid_search_query", "operator is AND or OR with a list of operands.")
    conditions = []
    for operand in operands:
        name = operand.get("filter_name") if isinstance(operand, dict) else None
        if not isinstance(name, str) or name not in filters:
            raise KeystileError(
                "invalid_search_query", f"Unknown filter; supported: {', '.join(sorted(filters))}."
            )
        conditions.append(filters[name](operand.get("filter_value")))
    if conditions and operator == "OR":
        return [or_(false(), *conditions)]
    return conditions


def encode_cursor(created_at: datetime, key: str) -> str:
    """The position after a row, which `decode_cursor` reads back."""
    raw = json.dumps([created_at.isoformat(), key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The position `encode_cursor` wrote; anything else (a forged or damaged cursor) is refused."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, key = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(created_at, str) or not isinstance(key, str) or not is_well_formed_id(key):
            raise ValueError("not a cursor")
        return parse_time(created_at), key
    except (ValueError, TypeError, binascii.Error) as error:
        raise KeystileError("invalid_cursor") from error


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise KeystileError("invalid_limit")
    return limit
