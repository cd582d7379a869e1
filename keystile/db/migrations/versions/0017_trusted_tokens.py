"""trusted auth token profiles and the token ids they attested

Revision ID: 0017
Revises: 0001
Create Date: 2026-12-04 15:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0017"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_token_profiles",
        sa.Column("profile_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("issuer", sa.String(length=2048), nullable=False),
        sa.Column("audience", sa.String(length=2048), nullable=False),
        sa.Column("jwks_url", sa.String(length=2048), nullable=True),
        sa.Column("pem_keys", sa.Text(), nullable=True),
        sa.Column("algorithms", sa.String(length=256), nullable=False),
        sa.Column("claim_mapping", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_trusted_token_profiles")),
    )
    op.create_index(
        op.f("ix_trusted_token_profiles_project_id"), "trusted_token_profiles", ["project_id"], unique=False
    )
    op.create_table(
        "trusted_token_uses",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("profile_id", sa.String(length=96), nullable=False),
        sa.Column("token_id_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "project_id", "profile_id", "token_id_digest", name=op.f("pk_trusted_token_uses")
        ),
    )


def downgrade() -> None:
    op.drop_table("trusted_token_uses")
    op.drop_index(op.f("ix_trusted_token_profiles_project_id"), table_name="trusted_token_profiles")
    op.drop_table("trusted_token_profiles")
