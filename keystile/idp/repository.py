"""Reads and writes of the provider's tables for one project: codes and refresh tokens found by digest
and redeemed by one conditional UPDATE, token families revoked as one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from keystile.db import single_use
from keystile.db.project_rows import ProjectScoped, matching
from keystile.idp.models import IdpAuthorizationCode, IdpRefreshToken, IdpTokenFamily


class ProviderRepository(ProjectScoped):
    async def code(self, code: str) -> IdpAuthorizationCode | None:
        return await single_use.find(self.db, IdpAuthorizationCode, self.project_id, code)

    async def refresh_token(self, token: str) -> IdpRefreshToken | None:
        return await single_use.find(self.db, IdpRefreshToken, self.project_id, token)

    async def family(self, family_id: str) -> IdpTokenFamily | None:
        return await self.find_by(IdpTokenFamily, family_id=family_id)

    def add(self, row: IdpAuthorizationCode | IdpRefreshToken | IdpTokenFamily) -> None:
        self.db.add(row)

    async def redeem(self, row: IdpAuthorizationCode | IdpRefreshToken, now: datetime) -> bool:
        """Use the code or refresh token up; False when it was used (or expired) already."""
        return await single_use.redeem(self.db, row, now)

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        """Revoke every token of the family: its refresh tokens stop refreshing and its access tokens
        introspect as inactive."""
        await self.db.execute(
            update(IdpTokenFamily)
            .where(
                *matching(IdpTokenFamily, self.project_id, family_id=family_id),
                IdpTokenFamily.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
