"""Queries for member sessions; every call is scoped to one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from keystile.b2b.models import Member, MemberSession, Organization
from keystile.b2b.policy import sso_connections
from keystile.db.project_rows import ProjectScoped, joined_on, matching
from keystile.sessions.repository import session_key


class MemberSessionRepository(ProjectScoped):
    """Reads and writes the member sessions of one project."""

    async def active(
        self, *, now: datetime, token_digest: str | None = None, session_id: str | None = None
    ) -> tuple[MemberSession, Member, Organization] | None:
        """The unexpired session with this token digest or id, with its member and organization."""
        row = (
            await self.db.execute(
                select(MemberSession, Member, Organization)
                .join(Member, joined_on(Member, MemberSession, "member_id"))
                .join(Organization, joined_on(Organization, MemberSession, "organization_id"))
                .where(
                    *matching(MemberSession, self.project_id, **session_key(token_digest, session_id)),
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
        return await self.delete_by(MemberSession, **session_key(token_digest, session_id)) > 0

    async def delete_for_member(self, member_id: str) -> None:
        await self.delete_by(MemberSession, member_id=member_id)

    async def delete_with_sso_factors(self, member_id: str, connection_ids: set[str]) -> None:
        """Delete the member's sessions holding an SSO factor of one of `connection_ids`."""
        sessions = await self.db.scalars(
            select(MemberSession).where(*matching(MemberSession, self.project_id, member_id=member_id))
        )
        for session in sessions:
            if sso_connections(session.authentication_factors or []) & connection_ids:
                await self.delete(session_id=session.session_id)
