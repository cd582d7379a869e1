"""Tables for users' crypto wallets and the single-use messages they are asked to sign."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUse


class CryptoWallet(Base):
    """A wallet address of a user, verified once it signed a challenge."""

    __tablename__ = "crypto_wallets"
    __table_args__ = (
        UniqueConstraint("project_id", "crypto_wallet_type", "crypto_wallet_address"),
        Index(None, "project_id", "user_id"),
    )

    crypto_wallet_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    crypto_wallet_type: Mapped[str] = mapped_column(String(16))
    # EIP-55 checksummed for Ethereum, base58 for Solana (both canonical, so they compare exactly).
    crypto_wallet_address: Mapped[str] = mapped_column(String(64))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CryptoWalletChallenge(SingleUse, Base):
    """The message a wallet must sign to authenticate: the latest one asked for is the only usable one,
    and it is used once. A SIWE (EIP-4361) message keeps the domain it must name."""

    __tablename__ = "crypto_wallet_challenges"
    __table_args__ = (Index(None, "project_id", "crypto_wallet_id"),)

    challenge_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    crypto_wallet_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    message: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str] = mapped_column(String(64))
    siwe_domain: Mapped[str | None] = mapped_column(String(256))
