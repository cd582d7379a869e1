"""Session JWTs minted moments ago, handed out again while every claim but the times would be the same:
RS256 signing is the largest cost of `sessions.authenticate`, and clients often authenticate one session
several times a second (a page load's parallel API calls)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import LRUCache

from keystile.sessions.jwts import SessionRecord, SigningMaterial, mint_jwt
from keystile.sessions.types import SessionSubject


@dataclass(frozen=True)
class _Minted:
    fingerprint: bytes
    issued_at: int
    token: str


def _fingerprint(
    session: SessionRecord, roles: list[str], stytch_claims: dict[str, Any] | None, kid: str
) -> bytes:
    """Everything `mint_jwt` puts in a JWT that may change while the session lasts, apart from
    `iat`, `nbf` and `exp` (which follow from the time of minting and the session's expiry), and the
    key that signs it. What never changes (the project, user and start) comes with the session id,
    under which the JWT is kept (the subject, too: a session is always about the same one).

    `repr` tells apart every value JSON can hold, `1` from `true` and `1.0` too (which `==` does not),
    and costs a fraction of a sorted JSON dump. Keys in another order read as a change: that only
    mints a JWT that could have been reused."""
    facts = (
        kid,
        session.last_accessed_at.timestamp(),
        session.expires_at.timestamp(),
        session.attributes,
        session.authentication_factors,
        session.custom_claims,
        roles,
        stytch_claims,
    )
    return hashlib.sha256(repr(facts).encode()).digest()


class RecentJwts:
    """The last JWT minted for each of the `max_entries` sessions used last, reused for `reuse_seconds`
    (0: never) while its claims hold.

    A reused JWT was issued up to `reuse_seconds` earlier and expires that much sooner than a new one
    would; nothing else differs. A session's row is still read on every call, so a revoked or expired
    session never gets a JWT from here; a new signing key, or any change to the session or the
    subject's roles, means a new JWT.
    """

    def __init__(self, *, reuse_seconds: float = 5.0, max_entries: int = 100_000) -> None:
        self.reuse_seconds = reuse_seconds
        self._minted: LRUCache[str, _Minted] = LRUCache(maxsize=max_entries)

    def session_jwt(
        self, session: SessionRecord, subject: SessionSubject, *, key: SigningMaterial, now: datetime
    ) -> str:
        """The JWT `mint_jwt` returns about `subject`, or the one it returned for the same claims and key
        less than `reuse_seconds` before `now`."""
        roles, stytch_claims = subject.roles, subject.stytch_claims or None
        fingerprint = _fingerprint(session, roles, stytch_claims, key.kid)
        moment = now.timestamp()
        recent = self._minted.get(session.session_id)
        if (
            recent is not None
            and recent.fingerprint == fingerprint
            and 0 <= moment - recent.issued_at < self.reuse_seconds
        ):
            return recent.token
        token = mint_jwt(session, roles=roles, key=key, now=now, stytch_claims=stytch_claims)
        self._minted[session.session_id] = _Minted(fingerprint, int(moment), token)
        return token
