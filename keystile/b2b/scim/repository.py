"""Queries for SCIM connections, groups, group memberships and registrations."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.scim.models import SCIMConnection, SCIMGroup, SCIMGroupMember, SCIMRegistration
from keystile.db.pages import Position
from keystile.db.project_rows import ProjectScoped, joined_on, matching

GROUP_ORDER = (SCIMGroup.created_at, SCIMGroup.group_id)


async def connection_by_id(db: AsyncSession, connection_id: str) -> SCIMConnection | None:
    """A connection by id alone, for the SCIM service, whose callers present its bearer token only."""
    return await db.scalar(select(SCIMConnection).where(SCIMConnection.connection_id == connection_id))


class SCIMRepository(ProjectScoped):
    async def groups(self, connection_id: str, after: Position, limit: int) -> tuple[list[SCIMGroup], int]:
        """A page of the connection's groups in creation order, and how many it has."""
        return await self.page(
            SCIMGroup, [SCIMGroup.connection_id == connection_id], GROUP_ORDER, after, limit
        )

    async def groups_by_id(self, connection_id: str, group_ids: list[str]) -> list[SCIMGroup]:
        query = select(SCIMGroup).where(
            SCIMGroup.project_id == self.project_id,
            SCIMGroup.connection_id == connection_id,
            SCIMGroup.group_id.in_(group_ids),
        )
        return list(await self.db.scalars(query))

    async def group_ids_of(self, connection_id: str, member_id: str) -> list[str]:
        """The ids of the connection's groups the member is in."""
        query = select(SCIMGroupMember.group_id).where(
            SCIMGroupMember.project_id == self.project_id,
            SCIMGroupMember.connection_id == connection_id,
            SCIMGroupMember.member_id == member_id,
        )
        return list(await self.db.scalars(query))

    async def grouped_member_ids(self, connection_id: str) -> list[str]:
        """Every member in one of the connection's groups."""
        query = select(SCIMGroupMember.member_id).where(
            SCIMGroupMember.project_id == self.project_id, SCIMGroupMember.connection_id == connection_id
        )
        return list(dict.fromkeys(await self.db.scalars(query)))

    async def all_groups(self, connection_id: str) -> list[SCIMGroup]:
        query = select(SCIMGroup).where(*matching(SCIMGroup, self.project_id, connection_id=connection_id))
        return list(await self.db.scalars(query.order_by(*GROUP_ORDER)))

    async def group_members(self, connection_id: str, **one: str) -> list[tuple[str, SCIMRegistration]]:
        """(group id, member's registration) for each member of the connection's groups (or of the one
        group `one` names, as `group_id=`)."""
        query = (
            select(SCIMGroupMember.group_id, SCIMRegistration)
            .join(SCIMRegistration, joined_on(SCIMGroupMember, SCIMRegistration, "member_id"))
            .where(*matching(SCIMGroupMember, self.project_id, connection_id=connection_id, **one))
            .order_by(SCIMGroupMember.group_id, SCIMGroupMember.member_id)
        )
        return [(group_id, registration) for group_id, registration in await self.db.execute(query)]

    async def member_groups(self, connection_id: str, **one: str) -> list[tuple[str, SCIMGroup]]:
        """(member id, group) for each member of the connection's groups (or for the one member `one`
        names, as `member_id=`), in the groups' creation order."""
        query = (
            select(SCIMGroupMember.member_id, SCIMGroup)
            .join(SCIMGroup, joined_on(SCIMGroupMember, SCIMGroup, "group_id"))
            .where(*matching(SCIMGroupMember, self.project_id, connection_id=connection_id, **one))
            .order_by(*GROUP_ORDER)
        )
        return [(member_id, group) for member_id, group in await self.db.execute(query)]

    async def registered_member_ids(self, connection_id: str, member_ids: list[str]) -> set[str]:
        """Those of `member_ids` that are Users of the connection."""
        query = select(SCIMRegistration.member_id).where(
            *matching(SCIMRegistration, self.project_id, connection_id=connection_id),
            SCIMRegistration.member_id.in_(member_ids),
        )
        return set(await self.db.scalars(query))

    async def remove_members(self, group_id: str, member_ids: list[str]) -> None:
        await self.db.execute(
            delete(SCIMGroupMember).where(
                *matching(SCIMGroupMember, self.project_id, group_id=group_id),
                SCIMGroupMember.member_id.in_(member_ids),
            )
        )

    async def registration(self, member_id: str) -> SCIMRegistration | None:
        return await self.find_by(SCIMRegistration, member_id=member_id)

    async def registrations(self, connection_id: str) -> list[SCIMRegistration]:
        """The connection's registrations in creation order."""
        query = (
            select(SCIMRegistration)
            .where(
                SCIMRegistration.project_id == self.project_id,
                SCIMRegistration.connection_id == connection_id,
            )
            .order_by(SCIMRegistration.created_at, SCIMRegistration.registration_id)
        )
        return list(await self.db.scalars(query))
