"""Queries for the magic-link tokens of one project."""

from __future__ import annotations

from datetime import datetime

from keystile.db import single_use
from keystile.db.project_rows import ProjectScoped
from keystile.factors.magic_links.models import MagicLinkToken


class MagicLinkRepository(ProjectScoped):
    """Reads and writes the magic-link tokens of one project."""

    async def by_token(self, token: str) -> MagicLinkToken | None:
        return await single_use.find(self.db, MagicLinkToken, self.project_id, token)

    async def revoke_invites(self, email: str, now: datetime) -> None:
        """Use up every outstanding invite link to `email`."""
        await self.use_up(MagicLinkToken, now, email=email, kind="invite")
