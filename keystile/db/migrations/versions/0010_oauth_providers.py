"""oauth provider configurations per project

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-04 04:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0010"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oauth_providers",
        sa.Column("callback_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.String(length=512), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("issuer", sa.String(length=2048), nullable=True),
        sa.Column("authorize_url", sa.String(length=2048), nullable=True),
        sa.Column("token_url", sa.String(length=2048), nullable=True),
        sa.Column("userinfo_url", sa.String(length=2048), nullable=True),
        sa.Column("scopes", sa.String(length=2048), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("callback_id", name=op.f("pk_oauth_providers")),
        sa.UniqueConstraint("project_id", "provider", name=op.f("uq_oauth_providers_project_id_provider")),
    )


def downgrade() -> None:
    op.drop_table("oauth_providers")
