"""Minting an impersonation token and redeeming one: found by its digest, used up by one conditional
UPDATE, and turned into Stytch's `impersonated` authentication factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.single_use import find, redeem
from keystile.errors import KeystileError
from keystile.factors.common import authentication_factor
from keystile.factors.impersonation.models import ImpersonationToken
from keystile.identity.contact import normalize_email
from keystile.ids import new_id
from keystile.tokens import digest, new_token

# Stytch's: impersonation tokens expire in 5 minutes, and impersonated sessions last 60.
LIFETIME: Final = timedelta(minutes=5)
SESSION_MINUTES: Final = 60


@dataclass(frozen=True)
class Impersonator:
    """Who impersonates, and why (kept with the token)."""

    impersonator_id: str
    email: str
    reason: str

    def checked(self) -> Impersonator:
        if not self.impersonator_id or len(self.impersonator_id) > 256:
            raise KeystileError("invalid_argument", "The impersonator's id must be 1 to 256 characters.")
        if not self.reason or len(self.reason) > 1024:
            raise KeystileError("invalid_argument", "Give a reason of 1 to 1024 characters, for the record.")
        return Impersonator(self.impersonator_id, normalize_email(self.email), self.reason)


@dataclass(frozen=True)
class MintedToken:
    token: str  # shown once; only its digest is stored
    row: ImpersonationToken


def mint(
    db: AsyncSession,
    project_id: str,
    *,
    subject_id: str,
    organization_id: str | None,
    impersonator: Impersonator,
    now: datetime,
) -> MintedToken:
    """A new token to sign in as `subject_id` (its user or member must have been checked)."""
    who = impersonator.checked()
    token = new_token()
    row = ImpersonationToken(
        token_id=new_id("impersonation-token"),
        project_id=project_id,
        token_digest=digest(token),
        subject_id=subject_id,
        organization_id=organization_id,
        impersonator_id=who.impersonator_id,
        impersonator_email=who.email,
        reason=who.reason,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    db.add(row)
    return MintedToken(token, row)


async def redeemed(
    db: AsyncSession, project_id: str, token: str, now: datetime, *, b2b: bool
) -> ImpersonationToken:
    """The token's row, used up now; refused when unknown, used, expired, or of the other vertical."""
    row = await find(db, ImpersonationToken, project_id, token)
    if row is None or (row.organization_id is not None) != b2b or not await redeem(db, row, now):
        raise KeystileError("unable_to_auth_impersonation_token")
    return row


def impersonated_factor(row: ImpersonationToken, now: datetime) -> dict[str, Any]:
    """Stytch's factor of an impersonated session, naming the impersonator."""
    return authentication_factor(
        "impersonated",
        "impersonation",
        now,
        impersonated_factor={
            "impersonator_id": row.impersonator_id,
            "impersonator_email_address": row.impersonator_email,
        },
    )
