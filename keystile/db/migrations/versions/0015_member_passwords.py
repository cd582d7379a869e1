"""member passwords, their reset tokens, members' password ids and the cross-org password setting

Revision ID: 0015
Revises: 0005, 0006
Create Date: 2026-12-04 15:30:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0015"
down_revision = ("0005", "0006")
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "member_passwords",
        sa.Column("member_password_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("holder", sa.String(length=320), nullable=False),
        sa.Column("email_address", sa.String(length=320), nullable=False),
        sa.Column("hash_type", sa.String(length=16), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("hash_config", _json(), nullable=True),
        sa.Column("requires_reset", sa.Boolean(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("member_password_id", name=op.f("pk_member_passwords")),
        sa.UniqueConstraint("project_id", "holder", name=op.f("uq_member_passwords_project_id_holder")),
    )
    op.create_index(
        op.f("ix_member_passwords_project_id_email_address"),
        "member_passwords",
        ["project_id", "email_address"],
    )
    op.create_table(
        "member_password_reset_tokens",
        sa.Column("token_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("email_address", sa.String(length=320), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=True),
        sa.Column("member_id", sa.String(length=96), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_member_password_reset_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_member_password_reset_tokens_token_digest")),
    )
    op.create_index(
        op.f("ix_member_password_reset_tokens_project_id_email_address"),
        "member_password_reset_tokens",
        ["project_id", "email_address"],
    )
    op.add_column("members", sa.Column("member_password_id", sa.String(length=96), nullable=True))
    op.add_column(
        "password_policies",
        sa.Column("cross_org_passwords", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("password_policies", "cross_org_passwords")
    op.drop_column("members", "member_password_id")
    op.drop_table("member_password_reset_tokens")
    op.drop_table("member_passwords")
