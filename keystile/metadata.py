"""Checking the metadata documents callers store on users, members, organizations and M2M clients:
JSON objects of bounded size and depth that every database can store and every SDK can render."""

from __future__ import annotations

import json
from typing import Any

from keystile.errors import KeystileError

MAX_METADATA_BYTES = 4096
# MariaDB refuses JSON documents nested deeper than 32 levels; stay well inside that.
MAX_METADATA_DEPTH = 16


def _depth(value: Any) -> int:
    """How deeply objects and arrays nest in `value`: 0 for a scalar, 1 for `{}` or `{"a": 1}`."""
    depth, level = 0, [value]
    while containers := [node for node in level if isinstance(node, dict | list)]:
        depth += 1
        level = [
            child for node in containers for child in (node.values() if isinstance(node, dict) else node)
        ]
    return depth


def check_metadata(value: dict[str, Any] | None) -> dict[str, Any]:
    """`value` (an empty object for None), or `invalid_metadata` when it nests too deep, is too large
    or holds what JSON cannot (NaN, Infinity, a lone surrogate)."""
    if value is None:
        return {}
    if _depth(value) > MAX_METADATA_DEPTH:
        raise KeystileError("invalid_metadata", f"Metadata nests at most {MAX_METADATA_DEPTH} levels.")
    try:
        # Measured as UTF-8, as stored: escaping non-ASCII text would count an emoji as 12 bytes.
        size = len(json.dumps(value, allow_nan=False, ensure_ascii=False).encode())
    except ValueError as error:  # NaN, Infinity or a lone surrogate: not JSON that any database stores
        raise KeystileError("invalid_metadata", "Metadata must be finite numbers and valid text.") from error
    if size > MAX_METADATA_BYTES:
        raise KeystileError("invalid_metadata", f"Metadata is limited to {MAX_METADATA_BYTES} bytes.")
    return value
