"""What every factor shares: the session's record of an authenticated factor (the SDK's
AuthenticationFactor shape), the session a proof starts or extends, the answer of a proof, and the end
of the sessions a first proof makes suspect; the caller's session, read as it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.calls import Call
from keystile.clock import rfc3339
from keystile.errors import KeystileError
from keystile.identity.models import User
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.sessions.repository import SessionRepository
from keystile.sessions.service import (
    AuthenticatedSession,
    IssuedSession,
    authenticate_session,
    start_or_extend_session,
)
from keystile.sessions.types import SessionRequest


@dataclass(frozen=True)
class Authenticated:
    """A user who proved a contact (`method_id`: the email or phone id), with the session it started or
    extended."""

    user: UserView
    method_id: str
    issued: IssuedSession


def authentication_factor(
    factor_type: str, delivery_method: str, now: datetime, **details: dict[str, str]
) -> dict[str, Any]:
    """`{"type", "delivery_method", timestamps, "<kind>_factor": {…}}` for a factor authenticated
    at `now`; `details` are the `*_factor` objects (`email_factor={"email_id": …}`)."""
    stamp = rfc3339(now)
    return {
        "type": factor_type,
        "delivery_method": delivery_method,
        "last_authenticated_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        **details,
    }


async def end_other_sessions(
    db: AsyncSession, project_id: str, user_id: str, issued: IssuedSession | None, now: datetime
) -> None:
    """Revoke every session of the user except the one `issued` started or extended: after a new
    password, and after an email or phone number's first proof (Stytch's rule against pre-hijacked
    accounts: sessions opened by whoever registered the address before end)."""
    keep = issued.session.session_id if issued is not None and issued.session is not None else None
    sessions = SessionRepository(db, project_id)
    for session in await sessions.active_for_user(user_id, now=now):
        if session.session_id != keep:
            await sessions.delete(session_id=session.session_id)


async def session_for(
    call: Call, user: User, factor: dict[str, Any], session_request: SessionRequest
) -> tuple[UserView, IssuedSession]:
    """After `factor` proved `user`: the session it starts or extends (as `session_request` asks),
    and the user's response as it is now."""
    issued = await start_or_extend_session(
        call.db,
        call.keys,
        project_id=call.project_id,
        user_id=user.user_id,
        factor=factor,
        duration_minutes=session_request.duration_minutes,
        existing_token=session_request.session_token,
        existing_jwt=session_request.session_jwt,
        custom_claims=session_request.custom_claims,
        now=call.now,
    )
    view = (await UserRepository(call.db, call.project_id).views([user], call.now))[0]
    return view, issued


async def session_for_email(
    call: Call, email: str, factor: dict[str, Any], session_request: SessionRequest
) -> Authenticated:
    """After `factor` proved the owner of `email` (normalised): `session_for` the existing user with
    that address; `user_not_found` when there is none."""
    users = UserRepository(call.db, call.project_id)
    owner = await users.email_owner(email)
    user = await users.get(owner.user_id) if owner is not None else None
    if owner is None or user is None:
        raise KeystileError("user_not_found")
    view, issued = await session_for(call, user, factor, session_request)
    return Authenticated(view, owner.email_id, issued)


async def caller_session(
    call: Call, session_token: str | None, session_jwt: str | None
) -> AuthenticatedSession:
    """The active session a token or JWT names, with its user, read as it is (not extended)."""
    return await authenticate_session(
        call.db,
        call.keys,
        project_id=call.project_id,
        session_token=session_token,
        session_jwt=session_jwt,
        duration_minutes=None,
        custom_claims=None,
        now=call.now,
    )
