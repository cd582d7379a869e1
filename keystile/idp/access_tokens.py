"""Connected Apps access tokens: RS256 JWTs from the project's signing key, shaped as the SDK's
`idp.introspect_access_token_local` verifies them (`iss` stytch.com/{project_id}, `aud` [project_id]),
with the granted scopes, the client, and a `jti` naming the token family so a revoked family's tokens
introspect as inactive."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import jwt

from keystile.sessions.jwts import ALGORITHM, SigningMaterial, issuer

ID_TOKEN_SECONDS = 3600
ORGANIZATION_CLAIM = "https://stytch.com/organization"
JTI_SEPARATOR = "."


def mint(
    *,
    project_id: str,
    client_id: str,
    subject: str,
    organization_id: str | None,
    family_id: str,
    scopes: list[str],
    key: SigningMaterial,
    lifetime_seconds: int,
    now: datetime,
) -> str:
    """An access token about `subject` for `client_id`, valid from `now` for `lifetime_seconds`."""
    issued_at = int(now.timestamp())
    claims: dict[str, Any] = {
        "sub": subject,
        "iss": issuer(project_id),
        "aud": [project_id],
        "client_id": client_id,
        "scope": " ".join(scopes),
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + lifetime_seconds,
        "jti": f"{family_id}{JTI_SEPARATOR}{secrets.token_urlsafe(12)}",
    }
    if organization_id is not None:
        claims[ORGANIZATION_CLAIM] = {"organization_id": organization_id}
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})


def family_of(jti: object) -> str | None:
    """The token family a `jti` names, or None for a `jti` this provider did not mint."""
    if not isinstance(jti, str) or JTI_SEPARATOR not in jti:
        return None
    return jti.rsplit(JTI_SEPARATOR, 1)[0]
