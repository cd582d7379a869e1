"""The M2M clients search filters: each reads its operand into an SQL condition (see
`search_operands`)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, cast, false, or_

from keystile.errors import KeystileError
from keystile.m2m.access_tokens import SCOPE_TOKEN
from keystile.m2m.models import M2MClient
from keystile.search_operands import Filters, like_escaped, strings


def _holds_scope(scope: str) -> ColumnElement[bool]:
    """Scopes are scope-tokens (no '"' or '\\'), so each appears verbatim, quoted, in the JSON text of
    the list on every engine; only LIKE's own wildcards need escaping."""
    if not SCOPE_TOKEN.match(scope):
        raise KeystileError("invalid_search_query", "scopes takes scope names.")
    return cast(M2MClient.scopes, String).like(f'%"{like_escaped(scope)}"%', escape="\\")


FILTERS: Filters = {
    "client_id": lambda v: M2MClient.client_id.in_(strings(v, field="client_id", max_length=96)),
    "client_name": lambda v: M2MClient.client_name.in_(strings(v, field="client_name", max_length=256)),
    "scopes": lambda v: or_(
        false(), *(_holds_scope(scope) for scope in strings(v, field="scopes", max_length=128))
    ),
}
