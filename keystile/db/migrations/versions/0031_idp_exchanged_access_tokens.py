"""connected apps provider: access tokens exchanged for a session (each once)

Revision ID: 0031
Revises: 0027
Create Date: 2026-12-05 03:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0031"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idp_exchanged_access_tokens",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("token_id", sa.String(length=128), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "token_id", name=op.f("pk_idp_exchanged_access_tokens")),
    )


def downgrade() -> None:
    op.drop_table("idp_exchanged_access_tokens")
