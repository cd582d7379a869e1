"""Queries for the magic-link tokens of one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db import single_use
from keystile.factors.magic_links.models import MagicLinkToken


class MagicLinkRepository:
    """Reads and writes the magic-link tokens of one project."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def by_token(self, token: str) -> MagicLinkToken | None:
        return await single_use.find(self.db, MagicLinkToken, self.project_id, token)

    async def revoke_invites(self, email: str, now: datetime) -> None:
        """Use up every outstanding invite link to `email`."""
        await self.db.execute(
            update(MagicLinkToken)
            .where(
                MagicLinkToken.project_id == self.project_id,
                MagicLinkToken.email == email,
                MagicLinkToken.kind == "invite",
                MagicLinkToken.consumed_at.is_(None),
            )
            .values(consumed_at=now)
            .execution_options(synchronize_session=False)
        )
