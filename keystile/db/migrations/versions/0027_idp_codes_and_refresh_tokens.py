"""connected apps provider: authorization codes, refresh tokens, their token families, settings

Revision ID: 0027
Revises: 0001
Create Date: 2026-12-04 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0027"
down_revision = "0001"
branch_labels = None
depends_on = None


def _single_use_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("token_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.Column("family_id", sa.String(length=96), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
    ]


def upgrade() -> None:
    json = sa.JSON().with_variant(mysql.JSON(), "mysql", "mariadb")
    op.create_table(
        "idp_authorization_codes",
        *_single_use_columns(),
        sa.Column("subject_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=True),
        sa.Column("session_id", sa.String(length=96), nullable=True),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=False),
        sa.Column("scopes", json, nullable=False),
        sa.Column("nonce", sa.String(length=512), nullable=True),
        sa.Column("auth_time", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_idp_authorization_codes")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_idp_authorization_codes_token_digest")),
    )
    op.create_table(
        "idp_refresh_tokens",
        *_single_use_columns(),
        sa.Column("scopes", json, nullable=False),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_idp_refresh_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_idp_refresh_tokens_token_digest")),
    )
    op.create_index(
        op.f("ix_idp_refresh_tokens_project_id_family_id"), "idp_refresh_tokens", ["project_id", "family_id"]
    )
    op.create_table(
        "idp_token_families",
        sa.Column("family_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("subject_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=True),
        sa.Column("session_id", sa.String(length=96), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("family_id", name=op.f("pk_idp_token_families")),
    )
    op.create_index(
        op.f("ix_idp_token_families_project_id_subject_id_client_id"),
        "idp_token_families",
        ["project_id", "subject_id", "client_id"],
    )
    op.create_table(
        "idp_settings",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("authorization_url", sa.String(length=2048), nullable=True),
        sa.Column("dynamic_registration", sa.Boolean(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_idp_settings")),
    )


def downgrade() -> None:
    op.drop_table("idp_settings")
    op.drop_table("idp_token_families")
    op.drop_table("idp_refresh_tokens")
    op.drop_table("idp_authorization_codes")
