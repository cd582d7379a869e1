"""Intermediate sessions: what a discovery login proves (control of an email address) until the person
picks, joins or creates an organization; ten minutes, single use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from keystile import tokens
from keystile.b2b.models import IntermediateSession
from keystile.calls import Call
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
    call: Call,
    *,
    email: str,
    organization_id: str | None = None,
    member_id: str | None = None,
    expires_at: datetime | None = None,
    factors: list[dict[str, Any]] | None = None,
) -> IssuedIntermediateSession:
    """A new intermediate session for `email` with the `factors` authenticated so far, of the usual
    lifetime unless it carries on from one that expires at `expires_at`."""
    token, now = tokens.new_token(), call.now
    row = IntermediateSession(
        intermediate_session_id=new_id("intermediate-session"),
        project_id=call.project_id,
        token_digest=tokens.digest(token),
        email_address=email,
        organization_id=organization_id,
        member_id=member_id,
        authentication_factors=factors or [],
        created_at=now,
        expires_at=expires_at or now + LIFETIME,
    )
    call.db.add(row)
    return IssuedIntermediateSession(token, row.expires_at)


async def presented(call: Call, token: str) -> PresentedIntermediateSession:
    """The unused, unexpired intermediate session `token` names (it stays usable)."""
    row = await single_use.find(call.db, IntermediateSession, call.project_id, token)
    if row is None or not tokens.usable(row, call.now):
        raise KeystileError("intermediate_session_not_found")
    return PresentedIntermediateSession(row)


async def consume(call: Call, ist: PresentedIntermediateSession) -> None:
    """Use the intermediate session up; only one of several concurrent callers succeeds."""
    if not await single_use.redeem(call.db, ist.row, call.now):
        raise KeystileError("intermediate_session_not_found")
