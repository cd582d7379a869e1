"""crypto wallets: users' Ethereum and Solana wallets and the messages they sign

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-04 15:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crypto_wallets",
        sa.Column("crypto_wallet_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("crypto_wallet_type", sa.String(length=16), nullable=False),
        sa.Column("crypto_wallet_address", sa.String(length=64), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("crypto_wallet_id", name=op.f("pk_crypto_wallets")),
        sa.UniqueConstraint(
            "project_id",
            "crypto_wallet_type",
            "crypto_wallet_address",
            name=op.f("uq_crypto_wallets_project_id_crypto_wallet_type_crypto_wallet_address"),
        ),
    )
    with op.batch_alter_table("crypto_wallets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crypto_wallets_project_id_user_id"), ["project_id", "user_id"], unique=False
        )
    op.create_table(
        "crypto_wallet_challenges",
        sa.Column("challenge_id", sa.String(length=96), nullable=False),
        sa.Column("crypto_wallet_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("siwe_domain", sa.String(length=256), nullable=True),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("challenge_id", name=op.f("pk_crypto_wallet_challenges")),
    )
    with op.batch_alter_table("crypto_wallet_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crypto_wallet_challenges_project_id_crypto_wallet_id"),
            ["project_id", "crypto_wallet_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("crypto_wallet_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_wallet_challenges_project_id_crypto_wallet_id"))
    op.drop_table("crypto_wallet_challenges")
    with op.batch_alter_table("crypto_wallets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crypto_wallets_project_id_user_id"))
    op.drop_table("crypto_wallets")
