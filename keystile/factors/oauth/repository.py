"""Queries for a project's OAuth provider configurations."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.results import rows_changed
from keystile.factors.oauth.models import OAuthProviderConfig


class ProviderConfigRepository:
    """Reads and writes the OAuth provider configurations of one project."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def get(self, provider: str) -> OAuthProviderConfig | None:
        return await self.db.scalar(
            select(OAuthProviderConfig).where(
                OAuthProviderConfig.project_id == self.project_id, OAuthProviderConfig.provider == provider
            )
        )

    async def all(self) -> list[OAuthProviderConfig]:
        rows = await self.db.scalars(
            select(OAuthProviderConfig)
            .where(OAuthProviderConfig.project_id == self.project_id)
            .order_by(OAuthProviderConfig.provider)
        )
        return list(rows.all())

    async def remove(self, provider: str) -> bool:
        removed = await self.db.execute(
            delete(OAuthProviderConfig).where(
                OAuthProviderConfig.project_id == self.project_id, OAuthProviderConfig.provider == provider
            )
        )
        return rows_changed(removed) == 1
