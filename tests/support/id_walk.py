"""Requests derived from a server's /openapi.json for every id parameter: the route's path, query and
JSON body with each id (fields marked `x-stytch-id`) set to a value, the other required fields to
plausible ones. New routes are walked as soon as they are served."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MALFORMED = "not an id!"
# Fields ending in `_id` that name nothing to look up, each with the reason.
NOT_IDS: dict[str, str] = {
    "external_id": "the caller's own id, free text",
    "organization_external_id": "the caller's own id, free text",
    "telemetry_id": "a device fingerprint, passed through",
    "visitor_id": "a Device Fingerprinting rule's identifier: a rule may name one never seen",
    "browser_id": "a Device Fingerprinting rule's identifier: a rule may name one never seen",
    "login_template_id": "an email template's name",
    "signup_template_id": "an email template's name",
    "invite_template_id": "an email template's name",
    "reset_password_template_id": "an email template's name",
    "verify_email_template_id": "an email template's name",
    "override_id": "the caller's own id for a WebAuthn credential",
    "idp_entity_id": "the IdP's SAML entity id, a URI the IdP chooses",
    "sso_default_connection_id": 'an organization setting: saml- or oidc-connection id, or "" to clear',
}
# Fields a new resource is created with, or another party's ids: the caller chooses them, so they are
# not looked up (an OIDC connection's client_id is the one the IdP issued).
CHOSEN_IDS = {
    ("POST", "/v1/m2m/clients", "client_id"),
    ("PUT", "/v1/b2b/sso/oidc/{organization_id}/connections/{connection_id}", "client_id"),
}
# Routes that answer in another protocol's terms, with the reason.
OTHER_PROTOCOLS: dict[str, str] = {
    "POST /v1/oauth/callback/{callback_id}": "Google One Tap's browser form post, answered with a redirect",
    "GET /v1/public/oauth/callback/{callback_id}": "the OAuth provider's browser redirect, answered with one",
    "GET /v1/public/sso/start": "the browser's way to the IdP, for the public_token's project",
    "POST /v1/public/{project_id}/oauth2/token": "RFC 6749: a form body; an unknown client is invalid_client",
    "POST /v1/public/{project_id}/oauth2/introspect": "RFC 7662: an unknown client is invalid_client",
    "POST /v1/public/{project_id}/oauth2/revoke": "RFC 7009: an unknown client is invalid_client",
    "POST /v1/public/{project_id}/oauth2/register": "RFC 7591: closed registration is access_denied",
    "GET /v1/public/{project_id}/oauth2/userinfo": "RFC 6750: no bearer token is invalid_token",
    "POST /v1/public/{project_id}/oauth2/userinfo": "RFC 6750: no bearer token is invalid_token",
    "GET /v1/public/{project_id}/oauth2/end_session": "RP-Initiated Logout: invalid_request, no redirect",
    "POST /v1/public/{project_id}/oauth2/end_session": "RP-Initiated Logout: invalid_request, no redirect",
}
# The frontend SDK API admits a request by public token and Origin before it reads a body; its routes
# run the `/v1` handlers walked here, and tests/api/sdk checks its own refusals.
SDK_PREFIX = "/sdk/v1/"
# The SCIM 2.0 service an IdP calls answers in RFC 7644's terms (a bearer token per connection, SCIM
# Error messages); tests/sdk/test_b2b_scim_service.py checks its refusals.
SCIM_SERVICE_PREFIX = "/v1/b2b/scim/{connection_id}/"
# Routes whose other input is checked first and cannot be made up by the walk, with the reason.
UNKNOWN_IDS_UNREACHABLE: dict[str, str] = {
    "POST /v1/webauthn/register": "public_key_credential is checked first: it takes a real authenticator",
    "GET /v1/b2b/public/oauth/{provider}/start": "the browser's start: its public_token names the project",
}
# Optional fields without which a route refuses the request before it looks anything up.
EXTRA_FIELDS: dict[str, dict[str, Any]] = {
    "PUT /v1/users/{user_id}/exchange_primary_factor": {"email_address": "walk@example.com"},
    "POST /v1/b2b/sessions/exchange": {"session_token": "x" * 44},
}
SAMPLES: dict[str, Any] = {
    "email": "walk@example.com",
    "email_address": "walk@example.com",
    "phone_number": "+12025550123",
    "code": "123456",
    "totp_code": "123456",
    "recovery_code": "abcd-efgh-ijkm",
    "password": "a long and unguessable passphrase 71",
    "session_token": "x" * 44,
    "intermediate_session_token": "x" * 44,
    "token": "x" * 44,
    "domain": "walk.example.com",
    "provider": "google",
    "crypto_wallet_type": "ethereum",
    "crypto_wallet_address": "0x1111111111111111111111111111111111111111",
    "hash_type": "md_5",
    "hash": "5f4dcc3b5aa765d61d8327deb882cf99",
    "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
}


@dataclass(frozen=True)
class IdParam:
    location: str  # path, query or body
    name: str
    invalid: str
    not_found: str
    example: str
    required: bool


@dataclass
class Route:
    method: str
    path: str
    ids: list[IdParam] = field(default_factory=list)
    untyped: list[str] = field(default_factory=list)  # `_id` fields without a typed id
    body: dict[str, Any] | None = None  # required non-id body fields

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def id_sets(self) -> list[dict[str, str]]:
        """The required ids set to their unknown examples and, one at a time, each optional id too
        (some are alternatives, such as a member_session_id or a member_id)."""
        required = {param.name: param.example for param in self.ids if param.required}
        optional = [param for param in self.ids if not param.required]
        return [{**required, param.name: param.example} for param in optional] or [required]

    def request(self, values: dict[str, str]) -> tuple[str, dict[str, str], dict[str, Any] | None]:
        """The URL path, query and body with the id parameters set to `values` (by name)."""
        path, query = self.path, {}
        body = dict(self.body) if self.body is not None else None
        for param in self.ids:
            if param.name not in values:
                continue
            value = values[param.name]
            if param.location == "path":
                path = path.replace("{" + param.name + "}", value)
            elif param.location == "query":
                query[param.name] = value
            elif body is not None:
                body[param.name] = value
        return path, query, body


def _marker(schema: dict[str, Any]) -> dict[str, Any] | None:
    for option in [schema, *schema.get("anyOf", [])]:
        if "x-stytch-id" in option:
            return {**option["x-stytch-id"], "example": option["examples"][0]}
    return None


def _sample(name: str, schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    if name in SAMPLES:
        return SAMPLES[name]
    if "$ref" in schema:
        return _object(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]], spec)
    kind = schema.get("type") or next(
        (option.get("type") for option in schema.get("anyOf", []) if option.get("type") != "null"), "string"
    )
    if kind == "integer":
        return schema.get("minimum", 60)
    return {"boolean": False, "array": [], "object": {}, "number": 1}.get(kind, "walk")


def _object(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties", {})
    return {name: _sample(name, properties[name], spec) for name in schema.get("required", [])}


def _fields(operation: dict[str, Any], spec: dict[str, Any]) -> tuple[list[Any], dict[str, Any] | None]:
    """The operation's (location, name, schema, required) parameters and JSON body fields, and its
    body's required fields with sample values."""
    fields = [
        (p["in"], p["name"], p["schema"], p.get("required", False)) for p in operation.get("parameters", [])
    ]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return fields, None
    schema = _resolved(content["application/json"]["schema"], spec)
    required = set(schema.get("required", []))
    fields += [
        ("body", name, field, name in required) for name, field in schema.get("properties", {}).items()
    ]
    return fields, _object(schema, spec)


def _resolved(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    for option in [schema, *schema.get("anyOf", [])]:
        if "$ref" in option:
            return dict(spec["components"]["schemas"][option["$ref"].rsplit("/", 1)[-1]])
    return schema


def routes(spec: dict[str, Any]) -> Iterator[Route]:
    """Every operation of `spec` with at least one `_id` parameter or body field."""
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            route = Route(method.upper(), path)
            if str(route) in OTHER_PROTOCOLS or path.startswith((SDK_PREFIX, SCIM_SERVICE_PREFIX)):
                continue
            fields, route.body = _fields(operation, spec)
            if route.body is not None:
                route.body.update(EXTRA_FIELDS.get(str(route), {}))
            for location, name, schema, required in fields:
                marker = _marker(schema)
                if marker is not None:
                    route.ids.append(
                        IdParam(
                            location,
                            name,
                            marker["invalid"],
                            marker["not_found"],
                            marker["example"],
                            required,
                        )
                    )
                    if route.body is not None:
                        route.body.pop(name, None)
                elif (
                    name.endswith("_id")
                    and name not in NOT_IDS
                    and (route.method, path, name) not in CHOSEN_IDS
                ):
                    route.untyped.append(f"{location} {name}")
            if route.ids or route.untyped:
                yield route
