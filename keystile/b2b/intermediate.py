"""Intermediate sessions: what a discovery login proves (control of an email address) until the person
picks, joins or creates an organization; ten minutes, single use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from keystile import tokens
from keystile.b2b.models import IntermediateSession
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.ids import new_id

LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class IssuedIntermediateSession:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class PresentedIntermediateSession:
    """A valid intermediate session, not used up yet."""

    row: IntermediateSession


def issue(
    db: AsyncSession,
    *,
    project_id: str,
    email: str,
    now: datetime,
    organization_id: str | None = None,
    member_id: str | None = None,
    expires_at: datetime | None = None,
) -> IssuedIntermediateSession:
    """A new intermediate session for `email`, of the usual lifetime unless it carries on from one
    that expires at `expires_at`."""
    token = tokens.new_token()
    row = IntermediateSession(
        intermediate_session_id=new_id("intermediate-session"),
        project_id=project_id,
        token_digest=tokens.digest(token),
        email_address=email,
        organization_id=organization_id,
        member_id=member_id,
        created_at=now,
        expires_at=expires_at or now + LIFETIME,
    )
    db.add(row)
    return IssuedIntermediateSession(token, row.expires_at)


async def presented(
    db: AsyncSession, *, project_id: str, token: str, now: datetime
) -> PresentedIntermediateSession:
    """The unused, unexpired intermediate session `token` names (it stays usable)."""
    row = await single_use.find(db, IntermediateSession, project_id, token)
    if row is None or not tokens.usable(row, now):
        raise KeystileError("intermediate_session_not_found")
    return PresentedIntermediateSession(row)


async def consume(db: AsyncSession, ist: PresentedIntermediateSession, now: datetime) -> None:
    """Use the intermediate session up; only one of several concurrent callers succeeds."""
    if not await single_use.redeem(db, ist.row, now):
        raise KeystileError("intermediate_session_not_found")
