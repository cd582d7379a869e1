"""Queries for members' TOTP registrations and recovery codes; every call is scoped to one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select

from keystile.b2b.totps.models import MemberRecoveryCode, MemberTotp
from keystile.db.project_rows import ProjectScoped


class MemberTotpRepository(ProjectScoped):
    """Reads and writes the TOTP registrations of one project's members."""

    async def of_member(self, member_id: str, now: datetime) -> list[MemberTotp]:
        """The member's usable registrations: the verified one first, then pending ones, newest first."""
        rows = await self.db.scalars(
            select(MemberTotp)
            .where(
                MemberTotp.project_id == self.project_id,
                MemberTotp.member_id == member_id,
                or_(MemberTotp.verified.is_(True), MemberTotp.expires_at > now),
            )
            .order_by(MemberTotp.verified.desc(), MemberTotp.created_at.desc(), MemberTotp.totp_id)
        )
        return list(rows.all())

    async def verified(self, member_id: str, now: datetime) -> MemberTotp | None:
        return next((row for row in await self.of_member(member_id, now) if row.verified), None)

    async def delete_for_member(self, member_id: str, *, pending_only: bool) -> None:
        """Delete the member's registrations (only the unverified ones when `pending_only`) and their
        recovery codes."""
        query = select(MemberTotp.totp_id).where(
            MemberTotp.project_id == self.project_id, MemberTotp.member_id == member_id
        )
        if pending_only:
            query = query.where(MemberTotp.verified.is_(False))
        ids = list((await self.db.scalars(query)).all())
        if ids:
            await self.delete_recovery_codes(ids)
            await self.db.execute(
                delete(MemberTotp).where(
                    MemberTotp.project_id == self.project_id, MemberTotp.totp_id.in_(ids)
                )
            )

    async def delete_recovery_codes(self, totp_ids: list[str]) -> None:
        await self.db.execute(
            delete(MemberRecoveryCode).where(
                MemberRecoveryCode.project_id == self.project_id, MemberRecoveryCode.totp_id.in_(totp_ids)
            )
        )

    async def unused_recovery_codes(self, totp_id: str) -> list[MemberRecoveryCode]:
        rows = await self.db.scalars(
            select(MemberRecoveryCode)
            .where(
                MemberRecoveryCode.project_id == self.project_id,
                MemberRecoveryCode.totp_id == totp_id,
                MemberRecoveryCode.consumed_at.is_(None),
            )
            .order_by(MemberRecoveryCode.created_at, MemberRecoveryCode.recovery_code_id)
        )
        return list(rows.all())

    async def unused_recovery_code(self, totp_id: str, code_digest: str) -> MemberRecoveryCode | None:
        return await self.find_by(
            MemberRecoveryCode, totp_id=totp_id, code_digest=code_digest, consumed_at=None
        )
