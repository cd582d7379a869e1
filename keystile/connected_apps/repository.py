"""Queries for Connected Apps clients and grants; every call is scoped to one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, update

from keystile.connected_apps.models import ConnectedAppClient, ConnectedAppGrant
from keystile.db.dialects import insert_ignoring_conflicts
from keystile.db.pages import Position
from keystile.db.project_rows import ProjectScoped, joined_on, matching
from keystile.db.results import rows_changed

# Search pages run in creation order, ties broken by id.
CLIENT_ORDER = (ConnectedAppClient.created_at, ConnectedAppClient.client_id)


class ClientRepository(ProjectScoped):
    """Reads and writes the Connected Apps clients of one project."""

    def _this(self, client_id: str) -> list[ColumnElement[bool]]:
        return [ConnectedAppClient.project_id == self.project_id, ConnectedAppClient.client_id == client_id]

    async def get(self, client_id: str, *, for_update: bool = False) -> ConnectedAppClient | None:
        query = select(ConnectedAppClient).where(*self._this(client_id))
        return await self.db.scalar(query.with_for_update() if for_update else query)

    async def insert(self, client: ConnectedAppClient) -> None:
        # Ids are fresh uuids: no conflict to survive.
        self.db.add(client)
        await self.db.flush()

    async def delete(self, client_id: str) -> bool:
        result = await self.db.execute(delete(ConnectedAppClient).where(*self._this(client_id)))
        return bool(rows_changed(result))

    async def search(self, *, after: Position, limit: int) -> tuple[list[ConnectedAppClient], int]:
        """One page of the project's clients, in creation order, and how many there are."""
        return await self.page(ConnectedAppClient, [], CLIENT_ORDER, after, limit)


class GrantRepository(ProjectScoped):
    """Reads and writes the grants of one project's users and members to its clients."""

    async def get(
        self, subject_id: str, client_id: str, *, for_update: bool = False
    ) -> ConnectedAppGrant | None:
        return await self.find_by(
            ConnectedAppGrant, for_update=for_update, subject_id=subject_id, client_id=client_id
        )

    async def put(
        self, subject_id: str, client_id: str, organization_id: str | None, scopes: list[str], now: datetime
    ) -> None:
        """Record the subject's grant to the client with `scopes`, replacing the scopes of an earlier
        one (two requests racing to create it both succeed, the later scopes winning)."""
        first = {
            "project_id": self.project_id,
            "subject_id": subject_id,
            "client_id": client_id,
            "organization_id": organization_id,
            "scopes": scopes,
            "created_at": now,
            "updated_at": now,
        }
        dialect = self.db.get_bind().dialect.name
        if rows_changed(await self.db.execute(insert_ignoring_conflicts(ConnectedAppGrant, first, dialect))):
            return
        await self.db.execute(
            update(ConnectedAppGrant)
            .where(*matching(ConnectedAppGrant, self.project_id, subject_id=subject_id, client_id=client_id))
            .values(scopes=scopes, updated_at=now)
            .execution_options(synchronize_session=False)
        )

    async def delete(self, subject_id: str, client_id: str) -> bool:
        return bool(await self.delete_by(ConnectedAppGrant, subject_id=subject_id, client_id=client_id))

    async def delete_of_client(self, client_id: str) -> int:
        return await self.delete_by(ConnectedAppGrant, client_id=client_id)

    async def of_subject(self, subject_id: str) -> list[tuple[ConnectedAppGrant, ConnectedAppClient]]:
        """The subject's grants with their clients, oldest first."""
        return await self._with_clients(ConnectedAppGrant.subject_id == subject_id)

    async def of_organization(
        self, organization_id: str, client_id: str | None = None
    ) -> list[tuple[ConnectedAppGrant, ConnectedAppClient]]:
        """The grants of the organization's members (to one client, given `client_id`), with their
        clients, oldest first."""
        conditions = [ConnectedAppGrant.organization_id == organization_id]
        if client_id is not None:
            conditions.append(ConnectedAppGrant.client_id == client_id)
        return await self._with_clients(*conditions)

    async def _with_clients(
        self, *conditions: ColumnElement[bool]
    ) -> list[tuple[ConnectedAppGrant, ConnectedAppClient]]:
        query = (
            select(ConnectedAppGrant, ConnectedAppClient)
            .join(ConnectedAppClient, joined_on(ConnectedAppGrant, ConnectedAppClient, "client_id"))
            .where(ConnectedAppGrant.project_id == self.project_id, *conditions)
            .order_by(ConnectedAppGrant.created_at, ConnectedAppGrant.client_id, ConnectedAppGrant.subject_id)
        )
        return [(grant, client) for grant, client in (await self.db.execute(query)).all()]
