"""Stytch's rule against pre-hijacked accounts, for sessions: when someone first proves an address of a
user, every session opened before (by whoever registered the address with a password) ends."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.factors.passwords.repository import PasswordRepository
from keystile.sessions.service import IssuedSession


async def end_sessions_before_proof(
    db: AsyncSession, project_id: str, user_id: str, issued: IssuedSession
) -> None:
    """After an email or phone number of the user was verified for the first time: revoke every session
    of the user except the one this verification started or extended. A password set on the address
    before stays flagged for reset (`repository.requires_reset`)."""
    keep = issued.session.session_id if issued.session is not None else None
    await PasswordRepository(db, project_id).revoke_other_sessions(user_id, keep)
