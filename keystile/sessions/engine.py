"""The steps every kind of session shares that need keys or the store: naming a session by token or
verified JWT, reading it when active, and signing its JWT (reused while its claims hold)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.sessions import jwts
from keystile.sessions.jwts import SessionRecord
from keystile.sessions.keys import KeyRing
from keystile.sessions.store import session_store
from keystile.sessions.tokens import token_digest
from keystile.sessions.types import SessionName, SessionSubject


async def verified_jwt_claims(
    db: AsyncSession, keys: KeyRing, *, project_id: str, session_jwt: str, now: datetime
) -> jwts.VerifiedClaims:
    """The claims of a JWT signed by one of the project's published keys.

    An expired JWT is accepted, as Stytch does: every caller goes on to require the session row to be
    active, which is what makes the JWT worth refreshing (or revoking) at all.
    """
    kid = jwts.unverified_kid(session_jwt)
    return session_store(db).verified_jwts.verify(
        session_jwt,
        public_key=await keys.public_key(db, project_id, kid, now),
        project_id=project_id,
        now=now,
        allow_expired=True,
    )


async def name_session(
    db: AsyncSession,
    keys: KeyRing,
    *,
    project_id: str,
    session_token: str | None,
    session_jwt: str | None,
    now: datetime,
) -> SessionName:
    """The session named by exactly one of a token and a JWT."""
    if session_token and session_jwt:
        raise KeystileError("too_many_session_arguments")
    if session_token:
        return SessionName(token_digest=token_digest(session_token))
    if session_jwt:
        claims = await verified_jwt_claims(db, keys, project_id=project_id, session_jwt=session_jwt, now=now)
        return SessionName(session_id=claims.session_id, subject_id=claims.user_id)
    raise KeystileError("no_session_arguments")


def named(name: SessionName, session: SessionRecord | None) -> bool:
    """Whether `session` is the one `name` names (of the JWT's subject, for a JWT)."""
    return session is not None and (name.subject_id is None or session.subject_id == name.subject_id)


async def signed_jwt(
    db: AsyncSession, keys: KeyRing, session: SessionRecord, subject: SessionSubject, *, now: datetime
) -> str:
    """The session's JWT about `subject`, minted now or moments ago for the same claims."""
    key = await keys.signer(db, session.project_id, now)
    return session_store(db).recent_jwts.session_jwt(session, subject, key=key, now=now)
