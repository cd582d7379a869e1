"""members' roles from SSO connections and IdP groups, as of their latest SSO login

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-04 16:35:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")
    op.add_column("members", sa.Column("sso_role_sources", json, nullable=True))


def downgrade() -> None:
    op.drop_column("members", "sso_role_sources")
