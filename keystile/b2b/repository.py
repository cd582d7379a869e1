"""Queries for member sessions; every call is scoped to one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.models import Member, MemberSession, Organization


def _one_session(token_digest: str | None, session_id: str | None) -> ColumnElement[bool]:
    if token_digest is not None:
        return MemberSession.token_digest == token_digest
    return MemberSession.session_id == session_id


class MemberSessionRepository:
    """Reads and writes the member sessions of one project."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def active(
        self, *, now: datetime, token_digest: str | None = None, session_id: str | None = None
    ) -> tuple[MemberSession, Member, Organization] | None:
        """The unexpired session with this token digest or id, with its member and organization."""
        row = (
            await self.db.execute(
                select(MemberSession, Member, Organization)
                .join(
                    Member,
                    (Member.project_id == MemberSession.project_id)
                    & (Member.member_id == MemberSession.member_id),
                )
                .join(
                    Organization,
                    (Organization.project_id == MemberSession.project_id)
                    & (Organization.organization_id == MemberSession.organization_id),
                )
                .where(
                    MemberSession.project_id == self.project_id,
                    _one_session(token_digest, session_id),
                    MemberSession.expires_at > now,
                    Member.status != "deleted",
                )
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    async def of_member(self, organization_id: str, member_id: str, *, now: datetime) -> list[MemberSession]:
        query = select(MemberSession).where(
            MemberSession.project_id == self.project_id,
            MemberSession.organization_id == organization_id,
            MemberSession.member_id == member_id,
            MemberSession.expires_at > now,
        )
        return list(await self.db.scalars(query.order_by(MemberSession.started_at, MemberSession.session_id)))

    async def delete(self, *, token_digest: str | None = None, session_id: str | None = None) -> bool:
        match = _one_session(token_digest, session_id)
        result = await self.db.execute(
            delete(MemberSession).where(MemberSession.project_id == self.project_id, match)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete_for_member(self, member_id: str) -> None:
        await self.db.execute(
            delete(MemberSession).where(
                MemberSession.project_id == self.project_id, MemberSession.member_id == member_id
            )
        )
