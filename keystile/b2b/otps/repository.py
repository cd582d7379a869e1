"""Queries for the passcodes sent to members and addresses; every call is scoped to one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from keystile.b2b.otps.models import MemberOtpCode
from keystile.db.project_rows import ProjectScoped


class MemberOtpRepository(ProjectScoped):
    """Reads and writes the passcodes of one project's members."""

    async def newest(
        self, kind: str, *, member_id: str | None = None, destination: str | None = None
    ) -> MemberOtpCode | None:
        """The code of `kind` sent last to the member (or, for discovery, to the address)."""
        query = select(MemberOtpCode).where(
            MemberOtpCode.project_id == self.project_id, MemberOtpCode.kind == kind
        )
        if member_id is not None:
            query = query.where(MemberOtpCode.member_id == member_id)
        if destination is not None:
            query = query.where(MemberOtpCode.destination == destination)
        return await self.db.scalar(
            query.order_by(MemberOtpCode.created_at.desc(), MemberOtpCode.code_id.desc()).limit(1)
        )

    async def replace_unused(self, kind: str, now: datetime, **to: str | None) -> None:
        """Use up the codes of `kind` sent so far to the member or address `to` names."""
        await self.use_up(MemberOtpCode, now, kind=kind, **to)
