"""Queries for SAML and OIDC connections, AuthnRequests, seen assertion ids and SSO tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.sso.models import ExternalConnection, OIDCConnection, SAMLAssertionSeen, SAMLConnection
from keystile.db.dialects import insert_ignoring_conflicts
from keystile.db.project_rows import ProjectScoped
from keystile.db.results import rows_changed

Connection = TypeVar("Connection", SAMLConnection, OIDCConnection)
Listed = TypeVar("Listed", SAMLConnection, OIDCConnection, ExternalConnection)
OIDC_PREFIX = "oidc-connection-"
EXTERNAL_PREFIX = "external-connection-"


def connection_model(connection_id: str) -> type[SAMLConnection] | type[OIDCConnection]:
    """The table of a connection, told by its id's prefix."""
    return OIDCConnection if connection_id.startswith(OIDC_PREFIX) else SAMLConnection


def external_or_own_model(
    connection_id: str,
) -> type[SAMLConnection] | type[OIDCConnection] | type[ExternalConnection]:
    """The table of any connection an organization lists, external ones included."""
    if connection_id.startswith(EXTERNAL_PREFIX):
        return ExternalConnection
    return connection_model(connection_id)


async def connection_project(db: AsyncSession, model: type[Connection], connection_id: str) -> str | None:
    """The project of a connection, for the IdP's callback, which carries no project credentials."""
    return await db.scalar(select(model.project_id).where(model.connection_id == connection_id))


class SSORepository(ProjectScoped):
    async def connections(self, model: type[Listed], organization_id: str) -> list[Listed]:
        query = select(model).where(
            model.project_id == self.project_id, model.organization_id == organization_id
        )
        return list((await self.db.scalars(query.order_by(model.created_at))).all())

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
