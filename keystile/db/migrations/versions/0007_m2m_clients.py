"""m2m clients and claims templates

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-26 05:31:22.607084
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def _exact(length: int) -> sa.types.TypeEngine[str]:
    # Compared byte for byte on MySQL/MariaDB too (their default collation ignores case).
    binary = mysql.VARCHAR(length, collation="utf8mb4_bin")
    return sa.String(length).with_variant(binary, "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "m2m_claims_templates",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_m2m_claims_templates")),
    )
    op.create_table(
        "m2m_clients",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("client_id", _exact(96), nullable=False),
        sa.Column("client_name", _exact(256), nullable=False),
        sa.Column("client_description", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scopes", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("trusted_metadata", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=False),
        sa.Column("secret_last_four", sa.String(length=4), nullable=False),
        sa.Column("next_secret_digest", sa.String(length=64), nullable=True),
        sa.Column("next_secret_last_four", sa.String(length=4), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "client_id", name=op.f("pk_m2m_clients")),
    )
    with op.batch_alter_table("m2m_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_m2m_clients_project_id_created_at_client_id"),
            ["project_id", "created_at", "client_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("m2m_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_m2m_clients_project_id_created_at_client_id"))
    op.drop_table("m2m_clients")
    op.drop_table("m2m_claims_templates")
