"""sessions and signing keys

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 05:40:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("session_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("started_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("last_accessed_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("authentication_factors", _json(), nullable=False),
        sa.Column("custom_claims", _json(), nullable=False),
        sa.Column("attributes", _json(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_sessions_token_digest")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sessions_project_id_user_id"), ["project_id", "user_id"], unique=False
        )

    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_jwk", _json(), nullable=False),
        sa.Column("private_key_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("activates_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("retired_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("project_id", "generation", name=op.f("uq_signing_keys_project_id_generation")),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_project_id_user_id"))
    op.drop_table("sessions")
