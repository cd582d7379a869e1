"""The provider's identity and metadata: its issuer URL per project, and the OpenID Connect discovery
and RFC 8414 authorization server metadata documents (checked by Authlib's metadata models)."""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oidc.discovery import OpenIDProviderMetadata

from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.idp import directory
from keystile.idp.clients import STANDARD_SCOPES
from keystile.idp.resources import CLIENT_AUTH_METHODS
from keystile.idp.settings import provider_settings
from keystile.projects.models import Project

CLAIMS = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "at_hash",
    "sid",
    "name",
    "given_name",
    "middle_name",
    "family_name",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
]


def issuer(public_url: str, project_id: str) -> str:
    """The project's issuer: its public API base, under which discovery and the endpoints are served."""
    return f"{public_url.rstrip('/')}/v1/public/{project_id}"


async def metadata(call: Call, public_url: str, *, openid: bool) -> dict[str, Any]:
    """The project's OpenID Provider metadata (`openid`) or RFC 8414 authorization server metadata."""
    project = await call.db.get(Project, call.project_id)
    if project is None:
        raise KeystileError("project_not_found")
    settings = await provider_settings(call.db, call.project_id)
    base = issuer(public_url, call.project_id)
    jwks = "/v1/b2b/sessions/jwks/" if project.vertical == "b2b" else "/v1/sessions/jwks/"
    custom = await directory.custom_scopes(call, project.vertical)
    document: dict[str, Any] = {
        "issuer": base,
        "authorization_endpoint": settings.authorization_url,
        "token_endpoint": f"{base}/oauth2/token",
        "userinfo_endpoint": f"{base}/oauth2/userinfo",
        "jwks_uri": f"{public_url.rstrip('/')}{jwks}{call.project_id}",
        "registration_endpoint": f"{base}/oauth2/register" if settings.dynamic_registration else None,
        "introspection_endpoint": f"{base}/oauth2/introspect",
        "revocation_endpoint": f"{base}/oauth2/revoke",
        "end_session_endpoint": f"{base}/oauth2/end_session",
        "scopes_supported": [*STANDARD_SCOPES, *custom],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": CLAIMS,
    }
    document = {name: value for name, value in document.items() if value is not None}
    if settings.authorization_url is not None:  # a document without it is incomplete, but still served
        (OpenIDProviderMetadata if openid else AuthorizationServerMetadata)(document).validate()
    return document
