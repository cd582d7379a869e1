"""Consumer impersonation: mint a token for a user (the CLI), and `impersonation.authenticate`, which
signs in as that user for Stytch's fixed 60 minutes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.common import Authenticated, session_for
from keystile.factors.impersonation.tokens import (
    SESSION_MINUTES,
    Impersonator,
    MintedToken,
    impersonated_factor,
    mint,
    redeemed,
)
from keystile.identity.repository import UserRepository
from keystile.sessions.types import SessionRequest


async def mint_for_user(
    db: AsyncSession, project_id: str, user_ref: str, impersonator: Impersonator, now: datetime
) -> MintedToken:
    """A token to sign in as the user with this id (or external id)."""
    user = await UserRepository(db, project_id).get(user_ref)
    if user is None:
        raise KeystileError("user_not_found")
    minted = mint(
        db, project_id, subject_id=user.user_id, organization_id=None, impersonator=impersonator, now=now
    )
    await db.flush()
    return minted


async def authenticate(call: Call, *, impersonation_token: str) -> Authenticated:
    """A 60-minute session as the token's user, its factor naming the impersonator."""
    row = await redeemed(call.db, call.project_id, impersonation_token, call.now, b2b=False)
    user = await UserRepository(call.db, call.project_id).get(row.subject_id)
    if user is None:
        raise KeystileError("unable_to_auth_impersonation_token")
    factor = impersonated_factor(row, call.now)
    view, issued = await session_for(call, user, factor, SessionRequest(duration_minutes=SESSION_MINUTES))
    return Authenticated(view, "", issued)
