"""b2b oauth login: the organization a flow logs into, and its tokens until oauth authenticate

Revision ID: 0030
Revises: 0021
Create Date: 2026-12-05 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0030"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_states") as batch:
        batch.add_column(sa.Column("organization_id", sa.String(length=96), nullable=True))
    op.create_table(
        "b2b_oauth_tokens",
        sa.Column("token_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("email_address", sa.String(length=320), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_subject", sa.String(length=255), nullable=False),
        sa.Column("provider_tenant_id", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=512), nullable=False),
        sa.Column("provider_tokens_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_b2b_oauth_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_b2b_oauth_tokens_token_digest")),
    )


def downgrade() -> None:
    op.drop_table("b2b_oauth_tokens")
    with op.batch_alter_table("oauth_states") as batch:
        batch.drop_column("organization_id")
