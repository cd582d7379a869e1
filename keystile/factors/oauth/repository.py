"""Queries for a project's OAuth provider configurations, flows, tokens and users' registrations."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db import single_use
from keystile.db.project_rows import ProjectScoped
from keystile.db.results import rows_changed
from keystile.factors.oauth.models import (
    OAuthAttachToken,
    OAuthProviderConfig,
    OAuthRegistration,
    OAuthState,
    OAuthToken,
)


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


async def config_by_callback(db: AsyncSession, callback_id: str) -> OAuthProviderConfig | None:
    """The configuration whose callback URL the provider redirected to (it names the project)."""
    return await db.get(OAuthProviderConfig, callback_id)


class OAuthRepository(ProjectScoped):
    """Reads the OAuth flows, tokens and registrations of one project (writes go through the session)."""

    async def state(self, state: str) -> OAuthState | None:
        return await single_use.find(self.db, OAuthState, self.project_id, state)

    async def token(self, token: str) -> OAuthToken | None:
        return await single_use.find(self.db, OAuthToken, self.project_id, token)

    async def attach_token(self, token: str) -> OAuthAttachToken | None:
        return await single_use.find(self.db, OAuthAttachToken, self.project_id, token)

    async def registration(self, provider: str, subject: str) -> OAuthRegistration | None:
        return await self.find_by(OAuthRegistration, provider=provider, provider_subject=subject)

    async def registration_by_id(self, registration_id: str) -> OAuthRegistration | None:
        return await self.find_by(OAuthRegistration, registration_id=registration_id)
