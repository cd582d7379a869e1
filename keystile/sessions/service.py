"""Use cases for consumer sessions: start or extend one when a factor authenticates, authenticate
by token or JWT, list a user's sessions, revoke one. A thin adapter over the session engine
(`lifecycle`, `engine`, `store`) for sessions whose subject is a user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.identity.models import User
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.rbac.cache import PolicyCache
from keystile.rbac.checks import AuthorizationCheck, Verdict, authorize_roles
from keystile.sessions import lifecycle, policy
from keystile.sessions.engine import name_session, named, signed_jwt, verified_jwt_claims
from keystile.sessions.keys import KeyRing
from keystile.sessions.models import Session
from keystile.sessions.repository import SessionRepository
from keystile.sessions.store import read_active
from keystile.sessions.tokens import new_session_token, token_digest
from keystile.sessions.types import SessionName, SessionSubject
from keystile.sessions.user_rows import user_sessions


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
    verdict: Verdict | None = None  # when an authorization check was asked for (and passed)


@dataclass
class ActiveSession:
    session: Session
    roles: list[str]


def user_subject(user: User) -> SessionSubject:
    """A user as the subject of its sessions' JWTs."""
    return SessionSubject(user.user_id, policy.session_roles(user.roles))


async def _find_active(
    db: AsyncSession, project_id: str, name: SessionName, now: datetime
) -> tuple[Session, User]:
    """The active session `name` names, with its user, in this unit of work (to be changed)."""
    found = await SessionRepository(db, project_id).active_with_user(
        token_digest=name.token_digest, session_id=name.session_id, now=now
    )
    if found is None or not named(name, found[0]):
        raise KeystileError("session_not_found")
    return found


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
        name = await name_session(
            db, keys, project_id=project_id, session_token=existing_token, session_jwt=existing_jwt, now=now
        )
        session, user = await _find_active(db, project_id, name, now)
        if session.user_id != user_id:
            raise KeystileError("user_id_mismatch")
        lifecycle.extend(session, [factor], custom_claims, lifetime, now)
    elif lifetime is not None:
        found_user = await db.get(User, user_id)
        if found_user is None or found_user.project_id != project_id:
            raise KeystileError("user_not_found")
        user = found_user
        opening = lifecycle.opening([factor], custom_claims, attributes, lifetime, now)
        session = Session(session_id=new_id("session"), project_id=project_id, user_id=user_id, **opening)
        db.add(session)
    else:
        return IssuedSession(None, "", "")
    token = new_session_token()
    session.token_digest = token_digest(token)
    await db.flush()
    subject = user_subject(user)
    session_jwt = await signed_jwt(db, keys, session, subject, now=now)
    return IssuedSession(session, token, session_jwt, subject.roles)


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
    authorization_check: AuthorizationCheck | None = None,
    policies: PolicyCache | None = None,
) -> AuthenticatedSession:
    """The active session named by a token or a JWT (an expired JWT refreshes), with its user and a
    fresh JWT; a duration extends it from now, custom claims merge into it (null removes a claim).
    An authorization check must be granted by one of the session's roles (the policy from `policies`,
    in memory), else nothing changes.

    One read from the session store (the session with its user and all the user's listed parts); then
    an UPDATE only when the session changes (a duration, new claims, or last_accessed_at once a
    minute)."""
    lifetime = policy.session_lifetime(duration_minutes) if duration_minutes is not None else None
    name = await name_session(
        db, keys, project_id=project_id, session_token=session_token, session_jwt=session_jwt, now=now
    )
    found = await read_active(db, user_sessions(), project_id=project_id, name=name, now=now)
    if found is None or not named(name, found[0]):
        raise KeystileError("session_not_found")
    session, view = found
    subject = user_subject(view.user)
    verdict = None
    if authorization_check is not None:
        verdict = await authorize_roles(
            db,
            policies or PolicyCache(ttl_seconds=0),
            project_id=project_id,
            vertical="consumer",
            roles=subject.roles,
            check=authorization_check,
        )
    changes = lifecycle.changes_on_authenticate(session, custom_claims, lifetime, now)
    if changes:
        await SessionRepository(db, project_id).update(session.session_id, changes)
        lifecycle.apply(session, changes)
    return AuthenticatedSession(
        session=session,
        user=view,
        roles=subject.roles,
        session_token=session_token or "",
        session_jwt=await signed_jwt(db, keys, session, subject, now=now),
        verdict=verdict,
    )


async def list_sessions(
    db: AsyncSession, project_id: str, user_id: str, *, now: datetime
) -> list[ActiveSession]:
    """The active sessions of the user with this id (or external id), oldest first."""
    user = await UserRepository(db, project_id).get(user_id)
    if user is None:
        raise KeystileError("user_not_found")
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
    lifecycle.check_one_revoke_name(session_id, session_token, session_jwt)
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
