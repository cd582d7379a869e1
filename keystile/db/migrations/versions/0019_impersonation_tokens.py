"""impersonation tokens: minted by the CLI, used once, kept as the record of who impersonated whom

Revision ID: 0019
Revises: 0001
Create Date: 2026-12-04 16:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0019"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "impersonation_tokens",
        sa.Column("token_id", sa.String(length=96), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=True),
        sa.Column("impersonator_id", sa.String(length=256), nullable=False),
        sa.Column("impersonator_email", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=1024), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_impersonation_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_impersonation_tokens_token_digest")),
    )


def downgrade() -> None:
    op.drop_table("impersonation_tokens")
