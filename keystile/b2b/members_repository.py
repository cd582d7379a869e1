"""Queries for the members of organizations; every call is scoped to one project."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter

from sqlalchemy import ColumnElement, or_, select

from keystile.b2b.models import B2BMagicLinkToken, Member
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.db.pages import Position
from keystile.db.project_rows import ProjectScoped, Row

# Search pages run in creation order, ties broken by id.
MEMBER_ORDER = (Member.created_at, Member.member_id)


class MemberRepository(ProjectScoped):
    """Reads and writes the members of one project."""

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
        return await self.find_by(Member, member_id=member_id)

    async def by_email(self, organization_id: str, email: str, *, for_update: bool = False) -> Member | None:
        return await self.find_by(
            Member, organization_id=organization_id, email_address=email, for_update=for_update
        )

    async def external_id_owner(self, organization_id: str, external_id: str) -> Member | None:
        return await self.find_by(Member, organization_id=organization_id, external_id=external_id)

    async def memberships(self, email: str) -> list[Member]:
        """Every member `email` is (deleted ones included), oldest first."""
        query = select(Member).where(Member.project_id == self.project_id, Member.email_address == email)
        return list(await self.db.scalars(query.order_by(Member.created_at, Member.member_id)))

    async def search(
        self,
        organization_ids: list[str],
        conditions: list[ColumnElement[bool]],
        *,
        after: Position,
        limit: int,
    ) -> tuple[list[Member], int]:
        in_organizations = Member.organization_id.in_(organization_ids)
        return await self.page(Member, [in_organizations, *conditions], MEMBER_ORDER, after, limit)

    async def retire_links(self, member_id: str, now: datetime) -> None:
        """Make the member's outstanding magic links unusable."""
        await self.use_up(B2BMagicLinkToken, now, member_id=member_id)


async def rows_by_member(
    call: Call, model: type[Row], views: Sequence[MemberView], *order: str
) -> defaultdict[str, list[Row]]:
    """The project's rows of `model` (a table with a `member_id`) of the viewed members, by member id,
    each member's sorted by the columns `order` (one query)."""
    member_ids = [view.member.member_id for view in views]
    rows = await ProjectScoped(call.db, call.project_id).with_any(model, "member_id", member_ids, *order)
    grouped: defaultdict[str, list[Row]] = defaultdict(list)
    member_of = attrgetter("member_id")
    for row in rows:
        grouped[member_of(row)].append(row)
    return grouped
