"""Single-use B2B tokens (magic links, intermediate session tokens): found by their SHA-256 digest and
redeemed by one conditional UPDATE, so that exactly one of any number of concurrent callers wins."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.models import B2BMagicLinkToken, IntermediateSession
from keystile.factors.magic_links.tokens import token_digest

Redeemable = TypeVar("Redeemable", B2BMagicLinkToken, IntermediateSession)


async def find(db: AsyncSession, model: type[Redeemable], project_id: str, token: str) -> Redeemable | None:
    return await db.scalar(
        select(model).where(model.project_id == project_id, model.token_digest == token_digest(token))
    )


def usable(row: B2BMagicLinkToken | IntermediateSession, now: datetime) -> bool:
    return row.consumed_at is None and row.expires_at > now


async def redeem(db: AsyncSession, row: B2BMagicLinkToken | IntermediateSession, now: datetime) -> bool:
    """Mark `row` used; False when another caller (or the clock) got there first."""
    model = type(row)
    won = await db.execute(
        update(model)
        .where(model.token_digest == row.token_digest, model.consumed_at.is_(None), model.expires_at > now)
        .values(consumed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(won.rowcount == 1)  # type: ignore[attr-defined]
