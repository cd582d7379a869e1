"""Queries for a project's trusted auth token profiles and the token ids they attested."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from keystile.db.dialects import insert_ignoring_conflicts
from keystile.db.project_rows import ProjectScoped
from keystile.db.results import rows_changed
from keystile.factors.trusted_tokens.models import TrustedTokenProfile, TrustedTokenUse


class TrustedTokenRepository(ProjectScoped):
    """Reads and writes one project's trusted auth token profiles and token uses."""

    async def profile(self, profile_id: str) -> TrustedTokenProfile | None:
        return await self.find_by(TrustedTokenProfile, profile_id=profile_id)

    async def profiles(self) -> list[TrustedTokenProfile]:
        rows = await self.db.scalars(
            select(TrustedTokenProfile)
            .where(TrustedTokenProfile.project_id == self.project_id)
            .order_by(TrustedTokenProfile.created_at, TrustedTokenProfile.profile_id)
        )
        return list(rows.all())

    async def remove(self, profile_id: str) -> bool:
        removed = await self.delete_by(TrustedTokenProfile, profile_id=profile_id)
        await self.delete_by(TrustedTokenUse, profile_id=profile_id)
        return removed == 1

    async def record_use(self, profile_id: str, token_id_digest: str, expires_at: datetime) -> bool:
        """Record that the token with this id digest was attested; False when it already was (one
        INSERT, so that of two concurrent exchanges of one token exactly one records it)."""
        values = {
            "project_id": self.project_id,
            "profile_id": profile_id,
            "token_id_digest": token_id_digest,
            "expires_at": expires_at,
        }
        inserted = await self.db.execute(
            insert_ignoring_conflicts(TrustedTokenUse, values, self.db.get_bind().dialect.name)
        )
        return rows_changed(inserted) == 1
