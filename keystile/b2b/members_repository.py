"""Queries for the members of organizations; every call is scoped to one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.models import B2BMagicLinkToken, Member
from keystile.db.pages import page_in_creation_order

# Search pages run in creation order, ties broken by id.
MEMBER_ORDER = (Member.created_at, Member.member_id)


class MemberRepository:
    """Reads and writes the members of one project."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def get(self, organization_id: str, ref: str, *, for_update: bool = False) -> Member | None:
        """The member of the organization whose id or external id is `ref`."""
        query = select(Member).where(
            Member.project_id == self.project_id,
            Member.organization_id == organization_id,
            or_(Member.member_id == ref, Member.external_id == ref),
        )
        found = list(await self.db.scalars(query.with_for_update() if for_update else query))
        return next((m for m in found if m.member_id == ref), found[0] if found else None)

    async def get_anywhere(self, member_id: str) -> Member | None:
        return await self.db.scalar(
            select(Member).where(Member.project_id == self.project_id, Member.member_id == member_id)
        )

    async def by_email(self, organization_id: str, email: str, *, for_update: bool = False) -> Member | None:
        query = select(Member).where(
            Member.project_id == self.project_id,
            Member.organization_id == organization_id,
            Member.email_address == email,
        )
        return await self.db.scalar(query.with_for_update() if for_update else query)

    async def external_id_owner(self, organization_id: str, external_id: str) -> Member | None:
        return await self.db.scalar(
            select(Member).where(
                Member.project_id == self.project_id,
                Member.organization_id == organization_id,
                Member.external_id == external_id,
            )
        )

    async def memberships(self, email: str) -> list[Member]:
        """Every member `email` is (deleted ones included), oldest first."""
        query = select(Member).where(Member.project_id == self.project_id, Member.email_address == email)
        return list(await self.db.scalars(query.order_by(Member.created_at, Member.member_id)))

    async def search(
        self,
        organization_ids: list[str],
        conditions: list[ColumnElement[bool]],
        *,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> tuple[list[Member], int]:
        base = [
            Member.project_id == self.project_id,
            Member.organization_id.in_(organization_ids),
            *conditions,
        ]
        return await page_in_creation_order(
            self.db, Member, base, order=MEMBER_ORDER, after=after, limit=limit
        )

    async def retire_links(self, member_id: str, now: datetime) -> None:
        """Make the member's outstanding magic links unusable."""
        await self.db.execute(
            update(B2BMagicLinkToken)
            .where(
                B2BMagicLinkToken.project_id == self.project_id,
                B2BMagicLinkToken.member_id == member_id,
                B2BMagicLinkToken.consumed_at.is_(None),
            )
            .values(consumed_at=now)
            .execution_options(synchronize_session=False)
        )
