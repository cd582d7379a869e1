"""What a deleted (or deprovisioned) member or a deleted organization takes with it in the packages
above b2b, which keep it by their own keys (Connected Apps grants and tokens): they register erasers on
import, and b2b runs them in the deletion's unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

# (db, project_id, member_id) or (db, project_id, organization_id).
Eraser = Callable[[AsyncSession, str, str], Awaitable[None]]

_MEMBER_ERASERS: list[Eraser] = []
_ORGANIZATION_ERASERS: list[Eraser] = []


def register_erasers(*, member: Eraser, organization: Eraser) -> None:
    """Run `member` when a member is deleted and `organization` when an organization is."""
    if member not in _MEMBER_ERASERS:
        _MEMBER_ERASERS.append(member)
    if organization not in _ORGANIZATION_ERASERS:
        _ORGANIZATION_ERASERS.append(organization)


async def erase_member(db: AsyncSession, project_id: str, member_id: str) -> None:
    for erase in _MEMBER_ERASERS:
        await erase(db, project_id, member_id)


async def erase_organization(db: AsyncSession, project_id: str, organization_id: str) -> None:
    for erase in _ORGANIZATION_ERASERS:
        await erase(db, project_id, organization_id)
