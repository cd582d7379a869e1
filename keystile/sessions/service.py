"""Use cases for consumer sessions: start or extend one when a factor authenticates, authenticate
by token or JWT, list a user's sessions, revoke one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.identity.models import User
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.sessions import jwts, policy
from keystile.sessions.keys import KeyRing
from keystile.sessions.models import Session
from keystile.sessions.repository import SessionRepository
from keystile.sessions.tokens import new_session_token, token_digest

# last_accessed_at is written at most this often: writing it on every authenticate would turn the
# hottest read of the API into a write (row locks, WAL and replication traffic) for a timestamp that
# nobody needs to the second.
LAST_ACCESS_PRECISION = timedelta(seconds=60)

T = TypeVar("T")


@dataclass(frozen=True)
class SessionRequest:
    """What an authenticate call asks of the session it returns."""

    duration_minutes: int | None = None
    session_token: str | None = None
    session_jwt: str | None = None
    custom_claims: dict[str, Any] | None = None


@dataclass
class IssuedSession:
    session: Session | None  # the ORM row (None when no session was requested)
    session_token: str  # "" when no session
    session_jwt: str  # "" when no session
    roles: list[str] = field(default_factory=list)  # the session's roles (also in its JWT)


@dataclass
class AuthenticatedSession:
    session: Session  # detached, with any change the call made (already written)
    user: UserView
    roles: list[str]
    # The token that was presented; "" when a JWT was (tokens are stored only as digests).
    session_token: str
    session_jwt: str


@dataclass
class ActiveSession:
    session: Session
    roles: list[str]


async def verified_jwt_claims(
    db: AsyncSession, keys: KeyRing, *, project_id: str, session_jwt: str, now: datetime
) -> jwts.VerifiedClaims:
    """The claims of a JWT signed by one of the project's published keys.

    An expired JWT is accepted, as Stytch does: every caller goes on to require the session row to be
    active, which is what makes the JWT worth refreshing (or revoking) at all.
    """
    kid = jwts.unverified_kid(session_jwt)
    return keys.verified_jwts.verify(
        session_jwt,
        public_key=await keys.public_key(db, project_id, kid, now),
        project_id=project_id,
        now=now,
        allow_expired=True,
    )


@dataclass(frozen=True)
class _SessionName:
    """How a request names a session: by the digest of its token, or by the id in a verified JWT
    (with the user that JWT is about)."""

    token_digest: str | None = None
    session_id: str | None = None
    user_id: str | None = None


async def _named_session(
    db: AsyncSession,
    keys: KeyRing,
    *,
    project_id: str,
    session_token: str | None,
    session_jwt: str | None,
    now: datetime,
) -> _SessionName:
    """The session named by exactly one of a token and a JWT."""
    if session_token and session_jwt:
        raise KeystileError("too_many_session_arguments")
    if session_token:
        return _SessionName(token_digest=token_digest(session_token))
    if session_jwt:
        claims = await verified_jwt_claims(db, keys, project_id=project_id, session_jwt=session_jwt, now=now)
        return _SessionName(session_id=claims.session_id, user_id=claims.user_id)
    raise KeystileError("no_session_arguments")


def _found(name: _SessionName, found: tuple[Session, T] | None) -> tuple[Session, T]:
    """`found` if it is the named session (of the JWT's user, for a JWT); else `session_not_found`."""
    if found is None or (name.user_id is not None and found[0].user_id != name.user_id):
        raise KeystileError("session_not_found")
    return found


async def _find_active(
    db: AsyncSession,
    keys: KeyRing,
    *,
    project_id: str,
    session_token: str | None,
    session_jwt: str | None,
    now: datetime,
) -> tuple[Session, User]:
    """The active session named by exactly one of a token and a JWT, with its user."""
    name = await _named_session(
        db, keys, project_id=project_id, session_token=session_token, session_jwt=session_jwt, now=now
    )
    repo = SessionRepository(db, project_id)
    return _found(
        name, await repo.active_with_user(token_digest=name.token_digest, session_id=name.session_id, now=now)
    )


async def _signed(
    db: AsyncSession, keys: KeyRing, session: Session, *, roles: list[str], now: datetime
) -> str:
    key = await keys.signer(db, session.project_id, now)
    return keys.recent_jwts.session_jwt(session, roles=roles, key=key, now=now)


async def start_or_extend_session(
    db: AsyncSession,
    keys: KeyRing,
    *,
    project_id: str,
    user_id: str,
    factor: dict[str, Any],
    duration_minutes: int | None,
    existing_token: str | None,
    existing_jwt: str | None,
    custom_claims: dict[str, Any] | None,
    now: datetime,
    attributes: dict[str, str] | None = None,
) -> IssuedSession:
    """After `factor` authenticated `user_id`: add it to the existing session (named by token or JWT)
    with a new token, or start a session when a duration is given; otherwise no session.

    `factor` is shaped like the SDK's AuthenticationFactor (`type`, `delivery_method`, RFC 3339
    timestamps, `email_factor`…). Extending a session replaces its token, so a token planted before
    the factor was authenticated is worthless afterwards (no session fixation).
    """
    lifetime = policy.session_lifetime(duration_minutes) if duration_minutes is not None else None
    if existing_token or existing_jwt:
        session, user = await _find_active(
            db, keys, project_id=project_id, session_token=existing_token, session_jwt=existing_jwt, now=now
        )
        if session.user_id != user_id:
            raise KeystileError("user_id_mismatch")
        session.authentication_factors = policy.add_factor(session.authentication_factors, factor)
        session.custom_claims = policy.merge_custom_claims(session.custom_claims, custom_claims)
        session.last_accessed_at = now
        if lifetime is not None:
            session.expires_at = now + lifetime
    elif lifetime is not None:
        found_user = await db.get(User, user_id)
        if found_user is None or found_user.project_id != project_id:
            raise KeystileError("user_not_found")
        user = found_user
        session = Session(
            session_id=new_id("session"),
            project_id=project_id,
            user_id=user_id,
            started_at=now,
            last_accessed_at=now,
            expires_at=now + lifetime,
            authentication_factors=[factor],
            custom_claims=policy.merge_custom_claims({}, custom_claims),
            attributes={
                "ip_address": (attributes or {}).get("ip_address", ""),
                "user_agent": (attributes or {}).get("user_agent", ""),
            },
        )
        db.add(session)
    else:
        return IssuedSession(None, "", "")
    token = new_session_token()
    session.token_digest = token_digest(token)
    await db.flush()
    roles = policy.session_roles(user.roles)
    return IssuedSession(session, token, await _signed(db, keys, session, roles=roles, now=now), roles)


async def authenticate_session(
    db: AsyncSession,
    keys: KeyRing,
    *,
    project_id: str,
    session_token: str | None,
    session_jwt: str | None,
    duration_minutes: int | None,
    custom_claims: dict[str, Any] | None,
    now: datetime,
) -> AuthenticatedSession:
    """The active session named by a token or a JWT (an expired JWT refreshes), with its user and a
    fresh JWT; a duration extends it from now, custom claims merge into it (null removes a claim).

    One query: the session with its user and all the user's listed parts (`active_query`); then an
    UPDATE only when the session changes (a duration, new claims, or last_accessed_at once a minute).
    """
    lifetime = policy.session_lifetime(duration_minutes) if duration_minutes is not None else None
    name = await _named_session(
        db, keys, project_id=project_id, session_token=session_token, session_jwt=session_jwt, now=now
    )
    repo = SessionRepository(db, project_id)
    session, view = _found(
        name,
        await repo.active_with_user_view(token_digest=name.token_digest, session_id=name.session_id, now=now),
    )
    changes: dict[str, Any] = {}
    if custom_claims is not None:
        merged = policy.merge_custom_claims(session.custom_claims, custom_claims)
        if merged != session.custom_claims:
            changes["custom_claims"] = merged
    if lifetime is not None:
        changes["expires_at"] = now + lifetime
    if now - session.last_accessed_at >= LAST_ACCESS_PRECISION:
        changes["last_accessed_at"] = now
    if changes:
        await repo.update(session.session_id, changes)
        for column, value in changes.items():
            setattr(session, column, value)
    roles = policy.session_roles(view.user.roles)
    return AuthenticatedSession(
        session=session,
        user=view,
        roles=roles,
        session_token=session_token or "",
        session_jwt=await _signed(db, keys, session, roles=roles, now=now),
    )


async def list_sessions(
    db: AsyncSession, project_id: str, user_id: str, *, now: datetime
) -> list[ActiveSession]:
    """The active sessions of the user with this id (or external id), oldest first."""
    user = await UserRepository(db, project_id).get(user_id)
    if user is None:
        return []
    sessions = await SessionRepository(db, project_id).active_for_user(user.user_id, now=now)
    roles = policy.session_roles(user.roles)
    return [ActiveSession(session, roles) for session in sessions]


async def revoke_session(
    db: AsyncSession,
    keys: KeyRing,
    *,
    project_id: str,
    session_id: str | None,
    session_token: str | None,
    session_jwt: str | None,
    now: datetime,
) -> None:
    """Delete the session named by exactly one of its id, a token or a JWT; its tokens and JWTs stop
    authenticating at once (nothing caches sessions)."""
    given = [value for value in (session_id, session_token, session_jwt) if value]
    if not given:
        raise KeystileError("no_session_revoke_arguments")
    if len(given) > 1:
        raise KeystileError("too_many_session_revoke_arguments")
    repo = SessionRepository(db, project_id)
    if session_token:
        deleted = await repo.delete(token_digest=token_digest(session_token))
    elif session_jwt:
        claims = await verified_jwt_claims(db, keys, project_id=project_id, session_jwt=session_jwt, now=now)
        deleted = await repo.delete(session_id=claims.session_id)
    else:
        deleted = await repo.delete(session_id=session_id)
    if not deleted:
        raise KeystileError("session_not_found")
