"""A project's custom claims template for M2M access tokens, in Stytch's syntax: a JSON object in
which `{{ client.… }}` and `{{ request.… }}` stand for JSON values, for example

    {"role": {{ client.trusted_metadata.role }}, "user_id": {{ request.user_id }}}

`client.` reaches client_id, client_name, client_description, scopes and trusted_metadata (nested with
dots); `request.` reaches the extra parameters of the token request. A missing value renders as
null, and a top-level claim that renders as null is left out."""

from __future__ import annotations

import json
import re
from typing import Any

from keystile.errors import KeystileError
from keystile.sessions.policy import MAX_CUSTOM_CLAIMS_BYTES, RESERVED_CLAIMS, STYTCH_CLAIM_PREFIX

PLACEHOLDER = re.compile(r"\{\{\s*((?:client|request)(?:\.[A-Za-z0-9_-]+)+)\s*\}\}")
# What a placeholder becomes while the template is parsed: an object that the JSON parser accepts
# only where a value may stand (inside a string its quotes end the string and break the parse).
MARKER = "$keystile.placeholder"
CLIENT_FIELDS = frozenset({"client_id", "client_name", "client_description", "scopes", "trusted_metadata"})
MAX_TEMPLATE_BYTES = 4096


def _parsed(template: str) -> dict[str, Any]:
    marked = PLACEHOLDER.sub(lambda m: json.dumps({MARKER: m.group(1)}), template)
    try:
        parsed = json.loads(marked)
    except ValueError as error:
        raise KeystileError(
            "invalid_claims_template",
            "The template must be a JSON object whose placeholders stand where values do.",
        ) from error
    if not isinstance(parsed, dict):
        raise KeystileError("invalid_claims_template", "The template must be a JSON object.")
    return parsed


def check_template(template: str) -> str:
    """`template` if it parses, names only known placeholders and claims no reserved names."""
    if len(template.encode("utf-8")) > MAX_TEMPLATE_BYTES:
        raise KeystileError("invalid_claims_template", f"The template exceeds {MAX_TEMPLATE_BYTES} bytes.")
    for path in PLACEHOLDER.findall(template):
        root, field = path.split(".")[:2]
        if root == "client" and field not in CLIENT_FIELDS:
            raise KeystileError(
                "invalid_claims_template", f"Unknown placeholder {path}; see {sorted(CLIENT_FIELDS)}."
            )
    for name in _parsed(template):
        if name in RESERVED_CLAIMS or name.startswith(STYTCH_CLAIM_PREFIX):
            raise KeystileError("invalid_claims_template", f"'{name}' is a reserved claim.")
    return template


def _lookup(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _fill(node: Any, context: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if set(node) == {MARKER}:
            return _lookup(context, node[MARKER])
        return {name: _fill(value, context) for name, value in node.items()}
    if isinstance(node, list):
        return [_fill(item, context) for item in node]
    return node


def render_claims(template: str, *, client: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """The custom claims `template` gives for this client and token request, at most 4 KB."""
    filled = _fill(_parsed(template), {"client": client, "request": request})
    claims = {name: value for name, value in filled.items() if value is not None}
    if len(json.dumps(claims, separators=(",", ":")).encode("utf-8")) > MAX_CUSTOM_CLAIMS_BYTES:
        raise KeystileError("invalid_request", "The custom claims of this token exceed 4 kilobytes.")
    return claims
