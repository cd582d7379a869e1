"""Queries for the one-time passcodes of one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from keystile.db.project_rows import ProjectScoped
from keystile.factors.otp.models import OtpCode


class OtpRepository(ProjectScoped):
    """Reads and writes the one-time passcodes of one project."""

    async def newest(self, method_id: str) -> OtpCode | None:
        """The code sent last to the email or phone `method_id`."""
        return await self.db.scalar(
            select(OtpCode)
            .where(OtpCode.project_id == self.project_id, OtpCode.method_id == method_id)
            .order_by(OtpCode.created_at.desc(), OtpCode.code_id.desc())
            .limit(1)
        )

    async def replace_unused(self, method_id: str, now: datetime) -> None:
        """Use up the codes sent to `method_id` so far: a new one replaces them."""
        await self.use_up(OtpCode, now, method_id=method_id)
