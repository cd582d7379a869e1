"""passwords, reset tokens, user locks and password policies

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-26 05:33:09.718128
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "password_policies",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("strength_policy", sa.String(length=16), nullable=False),
        sa.Column("luds_min_length", sa.Integer(), nullable=False),
        sa.Column("luds_min_complexity", sa.Integer(), nullable=False),
        sa.Column("breach_detection_on_create", sa.Boolean(), nullable=False),
        sa.Column("breach_detection_on_authenticate", sa.Boolean(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_password_policies")),
    )
    op.create_table(
        "password_reset_tokens",
        sa.Column("token_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("email_id", sa.String(length=96), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_password_reset_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_password_reset_tokens_token_digest")),
    )
    with op.batch_alter_table("password_reset_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_password_reset_tokens_project_id_user_id"), ["project_id", "user_id"], unique=False
        )
    op.create_table(
        "user_locks",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("lock_created_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.Column("lock_expires_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("project_id", "user_id", name=op.f("pk_user_locks")),
    )
    op.create_table(
        "user_passwords",
        sa.Column("password_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("hash_type", sa.String(length=16), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("hash_config", _json(), nullable=True),
        sa.Column("requires_reset", sa.Boolean(), nullable=False),
        sa.Column("email_verified_when_set", sa.Boolean(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("password_id", name=op.f("pk_user_passwords")),
        sa.UniqueConstraint("project_id", "user_id", name=op.f("uq_user_passwords_project_id_user_id")),
    )


def downgrade() -> None:
    op.drop_table("user_passwords")
    op.drop_table("user_locks")
    with op.batch_alter_table("password_reset_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_tokens_project_id_user_id"))
    op.drop_table("password_reset_tokens")
    op.drop_table("password_policies")
