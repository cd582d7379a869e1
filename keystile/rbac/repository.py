"""Storage of RBAC policy documents, per project and per organization."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.rbac.models import PROJECT_POLICY, RbacPolicy


class PolicyRepository:
    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def documents(self, organization_id: str | None = None) -> dict[str, dict[str, Any]]:
        """The project's document (key "") and, when asked, the organization's (key its id)."""
        wanted = [PROJECT_POLICY] if organization_id is None else [PROJECT_POLICY, organization_id]
        rows = await self.db.execute(
            select(RbacPolicy.organization_id, RbacPolicy.document).where(
                RbacPolicy.project_id == self.project_id, RbacPolicy.organization_id.in_(wanted)
            )
        )
        return {owner: document for owner, document in rows}

    async def put(self, organization_id: str, document: dict[str, Any], now: datetime) -> None:
        row = await self.db.get(RbacPolicy, (self.project_id, organization_id), with_for_update=True)
        if row is None:
            self.db.add(
                RbacPolicy(
                    project_id=self.project_id,
                    organization_id=organization_id,
                    document=document,
                    updated_at=now,
                )
            )
        else:
            row.document, row.updated_at = document, now
        await self.db.flush()

    async def delete_organization(self, organization_id: str) -> None:
        await self.db.execute(
            delete(RbacPolicy).where(
                RbacPolicy.project_id == self.project_id, RbacPolicy.organization_id == organization_id
            )
        )
