"""Session JWTs whose signature was checked moments ago, remembered by their exact text: a client sends
the same JWT with every request of its five-minute life, and PyJWT's strict parsing and the RSA check
are most of what authenticating it costs.

Only what stays true of the text is remembered: that the project's key `kid` signed it with these
claims. Whether that key is still published, and the times, are checked again on every call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric import rsa

from keystile.sessions.jwts import VerifiedClaims, claims_at, signed_claims


class VerifiedJwts:
    """The `max_entries` verified JWTs used last."""

    def __init__(self, *, max_entries: int = 4096) -> None:
        self._claims: LRUCache[tuple[str, str], dict[str, Any]] = LRUCache(maxsize=max_entries)

    def verify(
        self,
        token: str,
        *,
        public_key: rsa.RSAPublicKey | None,
        project_id: str,
        now: datetime,
        allow_expired: bool = False,
    ) -> VerifiedClaims:
        """The claims of a session JWT signed by `public_key` (the published key of the JWT's `kid`;
        None when there is none) for `project_id` (`jwts.signed_claims`), checked at `now`
        (`jwts.claims_at`). The signature check of a text verified before is remembered."""
        claims = self._claims.get((project_id, token)) if public_key is not None else None
        if claims is None:
            claims = signed_claims(token, public_key=public_key, project_id=project_id)
            self._claims[(project_id, token)] = claims
        return claims_at(claims, now=now, allow_expired=allow_expired)
