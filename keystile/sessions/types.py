"""Values shared by the session engine and its users: what a request asks of a session, how it names
one, whom a session is about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

# last_accessed_at is written at most this often: writing it on every authenticate would turn the
# hottest read of the API into a write (row locks, WAL and replication traffic) for a timestamp that
# nobody needs to the second.
LAST_ACCESS_PRECISION = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionRequest:
    """What an authenticate call asks of the session it returns."""

    duration_minutes: int | None = None
    session_token: str | None = None
    session_jwt: str | None = None
    custom_claims: dict[str, Any] | None = None


@dataclass(frozen=True)
class MemberCredentials:
    """The member session a request is made with (the `X-Stytch-Member-Session*` headers)."""

    session_token: str | None = None
    session_jwt: str | None = None


@dataclass(frozen=True)
class SessionName:
    """How a request names a session: by the digest of its token, or by the id in a verified JWT
    (with the subject that JWT is about)."""

    token_digest: str | None = None
    session_id: str | None = None
    subject_id: str | None = None


@dataclass(frozen=True)
class SessionSubject:
    """Whom a session is about, as its JWT says: a user or a member, its roles, and further
    `https://stytch.com/…` claims (B2B's organization)."""

    subject_id: str
    roles: list[str]
    stytch_claims: dict[str, Any] = field(default_factory=dict)
