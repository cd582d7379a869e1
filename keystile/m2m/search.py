"""Translating the M2M clients search query (`operator` + `operands`) into SQL conditions, and cursors
(the same shapes as the Users search: see `keystile.identity.search`)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, String, cast, false, or_

from keystile.errors import KeystileError
from keystile.m2m.models import M2MClient
from keystile.m2m.tokens import SCOPE_TOKEN
from keystile.search_operands import like_escaped, strings


def _holds_scope(scope: str) -> ColumnElement[bool]:
    """Scopes are scope-tokens (no '"' or '\\'), so each appears verbatim, quoted, in the JSON text of
    the list on every engine; only LIKE's own wildcards need escaping."""
    if not SCOPE_TOKEN.match(scope):
        raise KeystileError("invalid_search_query", "scopes takes scope names.")
    return cast(M2MClient.scopes, String).like(f'%"{like_escaped(scope)}"%', escape="\\")


FILTERS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "client_id": lambda v: M2MClient.client_id.in_(strings(v, field="client_id", max_length=96)),
    "client_name": lambda v: M2MClient.client_name.in_(strings(v, field="client_name", max_length=256)),
    "scopes": lambda v: or_(
        false(), *(_holds_scope(scope) for scope in strings(v, field="scopes", max_length=128))
    ),
}


def query_conditions(query: dict[str, Any] | None) -> list[ColumnElement[bool]]:
    """The SQL conditions for a search query; an empty or absent query matches every client."""
    if not query:
        return []
    operator = query.get("operator", "AND")
    operands = query.get("operands", [])
    if operator not in ("AND", "OR") or not isinstance(operands, list) or len(operands) > 50:
        raise KeystileError("invalid_search_query", "operator is AND or OR with a list of operands.")
    conditions = []
    for operand in operands:
        name = operand.get("filter_name") if isinstance(operand, dict) else None
        if not isinstance(name, str) or name not in FILTERS:
            raise KeystileError(
                "invalid_search_query", f"Unknown filter; supported: {', '.join(sorted(FILTERS))}."
            )
        conditions.append(FILTERS[name](operand.get("filter_value")))
    if conditions and operator == "OR":
        return [or_(false(), *conditions)]
    return conditions


def encode_cursor(client: M2MClient) -> str:
    """The position after `client`, in the format `keystile.identity.search.decode_cursor` reads."""
    raw = json.dumps([client.created_at.isoformat(), client.client_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
