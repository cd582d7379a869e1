"""members' OAuth registrations (one per provider account, the tokens of its latest login), and the
picture and locale of B2B OAuth tokens (with a discovery token's provider tokens)

Revision ID: 0037
Revises: 0030
Create Date: 2026-12-05 09:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0037"
down_revision = "0030"
branch_labels = None
depends_on = None

TOKEN_TABLES = ("b2b_oauth_tokens", "b2b_oauth_discovery_tokens")


def upgrade() -> None:
    for table in TOKEN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("profile_picture_url", sa.String(length=2048), server_default="", nullable=False)
            )
            batch.add_column(sa.Column("locale", sa.String(length=64), server_default="", nullable=False))
    with op.batch_alter_table("b2b_oauth_discovery_tokens") as batch:
        batch.add_column(sa.Column("provider_tokens_encrypted", sa.Text(), nullable=True))
    op.create_table(
        "member_oauth_registrations",
        sa.Column("registration_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("member_id", sa.String(length=96), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_subject", sa.String(length=255), nullable=False),
        sa.Column("provider_tenant_id", sa.String(length=255), nullable=False),
        sa.Column("profile_picture_url", sa.String(length=2048), nullable=False),
        sa.Column("locale", sa.String(length=64), nullable=False),
        sa.Column("provider_tokens_encrypted", sa.Text(), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_member_oauth_registrations")),
        sa.UniqueConstraint(
            "project_id",
            "member_id",
            "provider",
            "provider_subject",
            name="uq_member_oauth_registrations_account",
        ),
    )
    with op.batch_alter_table("member_oauth_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_oauth_registrations_project_id_organization_id"),
            ["project_id", "organization_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("member_oauth_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_oauth_registrations_project_id_organization_id"))
    op.drop_table("member_oauth_registrations")
    with op.batch_alter_table("b2b_oauth_discovery_tokens") as batch:
        batch.drop_column("provider_tokens_encrypted")
    for table in TOKEN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("locale")
            batch.drop_column("profile_picture_url")
