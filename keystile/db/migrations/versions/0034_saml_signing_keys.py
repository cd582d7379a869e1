"""saml_connections: signing_key (keystile's key and certificate for signing AuthnRequests)

Revision ID: 0034
Revises: 0020
Create Date: 2026-12-05 08:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0034"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("saml_connections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "signing_key",
                sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("saml_connections", schema=None) as batch_op:
        batch_op.drop_column("signing_key")
