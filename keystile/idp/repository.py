"""Reads and writes of the provider's tables for one project: codes and refresh tokens found by digest
and redeemed by one conditional UPDATE, token families revoked as one, access tokens exchanged once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from keystile.db import single_use
from keystile.db.dialects import insert_ignoring_conflicts
from keystile.db.project_rows import ProjectScoped, matching
from keystile.db.results import rows_changed
from keystile.idp.models import (
    IdpAuthorizationCode,
    IdpExchangedAccessToken,
    IdpRefreshToken,
    IdpTokenFamily,
)


class ProviderRepository(ProjectScoped):
    async def code(self, code: str) -> IdpAuthorizationCode | None:
        return await single_use.find(self.db, IdpAuthorizationCode, self.project_id, code)

    async def refresh_token(self, token: str) -> IdpRefreshToken | None:
        return await single_use.find(self.db, IdpRefreshToken, self.project_id, token)

    async def family(self, family_id: str) -> IdpTokenFamily | None:
        return await self.find_by(IdpTokenFamily, family_id=family_id)

    async def families_of(self, subject_id: str, client_id: str) -> list[IdpTokenFamily]:
        """Every authorization of the subject at the client."""
        query = select(IdpTokenFamily).where(
            *matching(IdpTokenFamily, self.project_id, subject_id=subject_id, client_id=client_id)
        )
        return list(await self.db.scalars(query))

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

    async def record_exchange(self, token_id: str, expires_at: datetime) -> bool:
        """Record that the access token `token_id` (its `jti`) was exchanged; False when it already was
        (one INSERT, so that of two concurrent exchanges exactly one records it)."""
        values = {"project_id": self.project_id, "token_id": token_id, "expires_at": expires_at}
        inserted = await self.db.execute(
            insert_ignoring_conflicts(IdpExchangedAccessToken, values, self.db.get_bind().dialect.name)
        )
        return rows_changed(inserted) == 1
