"""Queries for SAML connections, AuthnRequests, seen assertion ids and SSO tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.sso.models import SAMLAssertionSeen, SAMLConnection
from keystile.db.dialects import insert_ignoring_conflicts
from keystile.db.project_rows import ProjectScoped
from keystile.db.results import rows_changed


async def connection_project(db: AsyncSession, connection_id: str) -> str | None:
    """The project of a connection, for the IdP's callback, which carries no project credentials."""
    return await db.scalar(
        select(SAMLConnection.project_id).where(SAMLConnection.connection_id == connection_id)
    )


class SSORepository(ProjectScoped):
    async def connections(self, organization_id: str) -> list[SAMLConnection]:
        query = select(SAMLConnection).where(
            SAMLConnection.project_id == self.project_id, SAMLConnection.organization_id == organization_id
        )
        return list((await self.db.scalars(query.order_by(SAMLConnection.created_at))).all())

    async def first_use_of_assertion(
        self, connection_id: str, assertion_id: str, expires_at: datetime
    ) -> bool:
        """Record the assertion id; False when it was recorded before (a replay)."""
        values = {
            "project_id": self.project_id,
            "connection_id": connection_id,
            "assertion_id": assertion_id,
            "expires_at": expires_at,
        }
        dialect = self.db.get_bind().dialect.name
        inserted = await self.db.execute(insert_ignoring_conflicts(SAMLAssertionSeen, values, dialect))
        return rows_changed(inserted) == 1
