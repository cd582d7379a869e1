"""saml_requests, oidc_requests: external_connection_id (the external connection a login through
another organization's connection is for)

Revision ID: 0035
Revises: 0032, 0034
Create Date: 2026-12-05 09:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = ("0032", "0034")
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("saml_requests", "oidc_requests"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("external_connection_id", sa.String(length=96), nullable=True))


def downgrade() -> None:
    for table in ("saml_requests", "oidc_requests"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("external_connection_id")
