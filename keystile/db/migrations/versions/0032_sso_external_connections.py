"""sso: external connections (an organization using another organization's SAML or OIDC connection)

Revision ID: 0032
Revises: 0026
Create Date: 2026-12-05 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0032"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql")
    op.create_table(
        "external_sso_connections",
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("external_organization_id", sa.String(length=96), nullable=False),
        sa.Column("external_connection_id", sa.String(length=96), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("connection_role_assignments", json, nullable=False),
        sa.Column("group_role_assignments", json, nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_external_sso_connections")),
    )
    with op.batch_alter_table("external_sso_connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_sso_connections_project_id_organization_id"),
            ["project_id", "organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_external_sso_connections_external_connection_id"),
            ["external_connection_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("external_sso_connections")
