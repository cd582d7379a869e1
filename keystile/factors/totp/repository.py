"""Queries for TOTP registrations and recovery codes of one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select

from keystile.db.project_rows import ProjectScoped
from keystile.factors.totp.models import Totp, TotpRecoveryCode
from keystile.identity.profile import Now


def listed(now: Now) -> ColumnElement[bool]:
    """The registrations a user has: verified ones, and pending ones still in time to be verified."""
    return or_(Totp.verified.is_(True), Totp.expires_at > now)


class TotpRepository(ProjectScoped):
    """Reads and writes the TOTP registrations of one project."""

    async def of_user(self, user_id: str, now: datetime) -> list[Totp]:
        """The user's registrations, verified first, then the newest pending one first."""
        rows = await self.db.scalars(
            select(Totp)
            .where(Totp.project_id == self.project_id, Totp.user_id == user_id, listed(now))
            .order_by(Totp.verified.desc(), Totp.created_at.desc(), Totp.totp_id)
        )
        return list(rows.all())

    async def discard_pending(self, user_id: str) -> None:
        """Delete the user's unverified registrations and their recovery codes."""
        pending = select(Totp.totp_id).where(
            Totp.project_id == self.project_id, Totp.user_id == user_id, Totp.verified.is_(False)
        )
        ids = list((await self.db.scalars(pending)).all())
        if ids:
            await self.db.execute(
                delete(TotpRecoveryCode).where(
                    TotpRecoveryCode.project_id == self.project_id, TotpRecoveryCode.totp_id.in_(ids)
                )
            )
            await self.db.execute(
                delete(Totp).where(Totp.project_id == self.project_id, Totp.totp_id.in_(ids))
            )

    async def unused_recovery_code(self, totp_id: str, code_digest: str) -> TotpRecoveryCode | None:
        return await self.find_by(
            TotpRecoveryCode, totp_id=totp_id, code_digest=code_digest, consumed_at=None
        )
