"""projects' frontend SDK settings: enabled, authorized origins, methods the SDK may not call

Revision ID: 0025
Revises: 0001
Create Date: 2026-12-04 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0025"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")
    op.add_column(
        "projects", sa.Column("sdk_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("projects", sa.Column("sdk_authorized_domains", json, nullable=True))
    op.add_column("projects", sa.Column("sdk_forbidden_methods", json, nullable=True))


def downgrade() -> None:
    op.drop_column("projects", "sdk_forbidden_methods")
    op.drop_column("projects", "sdk_authorized_domains")
    op.drop_column("projects", "sdk_enabled")
