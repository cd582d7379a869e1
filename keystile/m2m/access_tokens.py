"""M2M access tokens as Stytch issues them and its SDKs verify them: RS256 JWTs with `kid` and `typ`,
`sub` = client_id, `aud` [project_id], `iss` stytch.com/{project_id}, `iat`/`nbf`/`exp`, the granted
scopes space-separated in `scope`, and any custom claims at the top level."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import jwt

from keystile.errors import KeystileError
from keystile.sessions.jwts import ALGORITHM, SigningMaterial, issuer

# RFC 6749 scope-token: visible ASCII except '"' and '\'; our bound on length and count.
SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]{1,128}$")
MAX_SCOPES = 100


def check_scopes(scopes: list[str]) -> list[str]:
    """A client's scopes: scope-tokens (so that they travel space-separated), without repeats."""
    if len(scopes) > MAX_SCOPES or not all(SCOPE_TOKEN.match(scope) for scope in scopes):
        raise KeystileError("invalid_m2m_client_scope")
    return list(dict.fromkeys(scopes))


def granted_scopes(client_scopes: list[str], requested: str | None) -> list[str]:
    """The scopes a token carries: all of the client's when none are requested, otherwise the
    requested ones, each of which the client must hold exactly."""
    if requested is None or not requested.strip(" "):
        return list(client_scopes)
    wanted = list(dict.fromkeys(scope for scope in requested.split(" ") if scope))
    missing = [scope for scope in wanted if scope not in client_scopes]
    if missing:
        raise KeystileError("invalid_scope", f"The client does not hold: {' '.join(missing)}"[:300])
    return wanted


def mint_access_token(
    *,
    project_id: str,
    client_id: str,
    scopes: list[str],
    custom_claims: dict[str, Any],
    key: SigningMaterial,
    lifetime: timedelta,
    now: datetime,
) -> str:
    """A signed access token for `client_id`, valid from `now` for `lifetime`."""
    issued_at = int(now.timestamp())
    claims = {
        **custom_claims,
        "sub": client_id,
        "iss": issuer(project_id),
        "aud": [project_id],
        "scope": " ".join(scopes),
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + int(lifetime.total_seconds()),
    }
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})
