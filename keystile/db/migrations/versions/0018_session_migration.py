"""session migration: each project's userinfo URL of its former provider

Revision ID: 0018
Revises: 0001
Create Date: 2026-12-04 15:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0018"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_migration_configs",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("userinfo_url", sa.String(length=2048), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_session_migration_configs")),
    )


def downgrade() -> None:
    op.drop_table("session_migration_configs")
