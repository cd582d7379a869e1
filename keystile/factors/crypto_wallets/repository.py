"""Queries for the crypto wallets and wallet challenges of one project."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from keystile.db.project_rows import ProjectScoped
from keystile.factors.crypto_wallets.models import CryptoWallet, CryptoWalletChallenge


class CryptoWalletRepository(ProjectScoped):
    """Reads and writes the crypto wallets and their challenges of one project."""

    async def wallet(
        self, wallet_type: str, address: str, *, for_update: bool = False
    ) -> CryptoWallet | None:
        return await self.find_by(
            CryptoWallet, for_update=for_update, crypto_wallet_type=wallet_type, crypto_wallet_address=address
        )

    async def retire_challenges(self, wallet_id: str, now: datetime) -> None:
        """Use up the wallet's pending challenges: only the newest one may be signed."""
        await self.use_up(CryptoWalletChallenge, now, crypto_wallet_id=wallet_id)

    async def pending_challenge(self, wallet_id: str) -> CryptoWalletChallenge | None:
        """The wallet's challenge not used yet (expired or not: redeeming checks the clock)."""
        return await self.db.scalar(
            select(CryptoWalletChallenge)
            .where(
                CryptoWalletChallenge.project_id == self.project_id,
                CryptoWalletChallenge.crypto_wallet_id == wallet_id,
                CryptoWalletChallenge.consumed_at.is_(None),
            )
            .order_by(CryptoWalletChallenge.created_at.desc())
            .limit(1)
        )
