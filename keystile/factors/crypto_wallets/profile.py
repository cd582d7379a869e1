"""The crypto-wallet part of the User response: the `crypto_wallets` list."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.factors.crypto_wallets.models import CryptoWallet
from keystile.identity.profile import ProfilePart, Row
from keystile.identity.views import UserView


@dataclass(frozen=True)
class WalletSummary:
    crypto_wallet_id: str
    crypto_wallet_address: str
    crypto_wallet_type: str
    verified: bool


def _summaries(rows: list[Row], view: UserView) -> list[WalletSummary]:
    """The user's wallets, oldest first."""
    ordered = sorted(rows, key=lambda row: (row[4], row[0]))
    return [WalletSummary(i, a, t, bool(v)) for i, a, t, v, _ in ordered]


CRYPTO_WALLETS = ProfilePart(
    "crypto_wallets",
    CryptoWallet,
    ("crypto_wallet_id", "crypto_wallet_address", "crypto_wallet_type", "verified", "created_at"),
    _summaries,
)
