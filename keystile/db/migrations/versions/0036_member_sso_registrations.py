"""members' SSO registrations (the IdP's subject per connection, the attributes of the latest login)

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-05 09:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_sso_registrations",
        sa.Column("registration_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("member_id", sa.String(length=96), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("external_id", sa.String(length=512), nullable=False),
        sa.Column(
            "sso_attributes",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_member_sso_registrations")),
        sa.UniqueConstraint(
            "project_id",
            "member_id",
            "connection_id",
            name=op.f("uq_member_sso_registrations_project_id_member_id_connection_id"),
        ),
    )
    with op.batch_alter_table("member_sso_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_sso_registrations_project_id_connection_id"),
            ["project_id", "connection_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("member_sso_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_sso_registrations_project_id_connection_id"))
    op.drop_table("member_sso_registrations")
