"""Queries for M2M clients and claims templates; every call is scoped to one project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from keystile.db.direct_reads import DirectRead, fetch_all
from keystile.db.pages import Position
from keystile.db.project_rows import ProjectScoped
from keystile.m2m.models import M2MClaimsTemplate, M2MClient


@dataclass(frozen=True)
class Grantee:
    """A client as the token endpoint reads it, with its project's claims template (None if unset)."""

    client_id: str
    client_name: str
    client_description: str
    status: str
    scopes: list[str]
    trusted_metadata: dict[str, Any]
    secret_digest: str
    next_secret_digest: str | None
    claims_template: str | None


_CLIENTS = M2MClient.__table__.c
_TEMPLATES = M2MClaimsTemplate.__table__.c
# The token endpoint's query, built once and sent straight to the driver: composing it per request,
# and running it through SQLAlchemy's execution and the ORM, cost more CPU than signing the token does.
GRANTEE = DirectRead(
    select(
        _CLIENTS.client_id,
        _CLIENTS.client_name,
        _CLIENTS.client_description,
        _CLIENTS.status,
        _CLIENTS.scopes,
        _CLIENTS.trusted_metadata,
        _CLIENTS.secret_digest,
        _CLIENTS.next_secret_digest,
        _TEMPLATES.template,
    )
    .outerjoin(M2MClaimsTemplate.__table__, _TEMPLATES.project_id == _CLIENTS.project_id)
    .where(_CLIENTS.project_id == bindparam("project_id"), _CLIENTS.client_id == bindparam("client_id"))
)

# Search pages run in creation order, ties broken by id.
CLIENT_ORDER = (M2MClient.created_at, M2MClient.client_id)


class M2MClientRepository(ProjectScoped):
    """Reads and writes the M2M clients of one project."""

    def _this(self, client_id: str) -> list[ColumnElement[bool]]:
        return [M2MClient.project_id == self.project_id, M2MClient.client_id == client_id]

    async def get(self, client_id: str, *, for_update: bool = False) -> M2MClient | None:
        query = select(M2MClient).where(*self._this(client_id))
        return await self.db.scalar(query.with_for_update() if for_update else query)

    async def grantee(self, client_id: str) -> Grantee | None:
        """What issuing a token needs of the client, and the project's claims template, in one query by
        primary key: the whole database work of the token endpoint. It reads committed rows on a pooled
        connection of its own, around this unit of work (`keystile.db.direct_reads`)."""
        rows = await fetch_all(self.db, GRANTEE, {"project_id": self.project_id, "client_id": client_id})
        return Grantee(*rows[0]) if rows else None

    async def delete(self, client_id: str) -> bool:
        result = await self.db.execute(delete(M2MClient).where(*self._this(client_id)))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def insert(self, clients: list[M2MClient]) -> bool:
        """Add new clients of this project; False when one's client_id is taken (the unit of work is
        then spoiled)."""
        self.db.add_all(clients)
        try:
            await self.db.flush()
        except IntegrityError:
            return False
        return True

    async def search(
        self, conditions: list[ColumnElement[bool]], *, after: Position, limit: int
    ) -> tuple[list[M2MClient], int]:
        """One page of clients matching all `conditions`, in creation order, and the total."""
        return await self.page(M2MClient, conditions, CLIENT_ORDER, after, limit)


class ClaimsTemplateRepository(ProjectScoped):
    """The M2M claims template of one project."""

    async def get(self) -> M2MClaimsTemplate | None:
        return await self.db.get(M2MClaimsTemplate, self.project_id)

    async def delete(self) -> bool:
        result = await self.db.execute(
            delete(M2MClaimsTemplate).where(M2MClaimsTemplate.project_id == self.project_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
