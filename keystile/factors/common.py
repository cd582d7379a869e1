"""What every factor shares: the session's record of an authenticated factor (the SDK's
AuthenticationFactor shape), the answer of a proof, and the end of the sessions a first proof makes
suspect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.clock import rfc3339
from keystile.identity.views import UserView
from keystile.sessions.repository import SessionRepository
from keystile.sessions.service import IssuedSession


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
