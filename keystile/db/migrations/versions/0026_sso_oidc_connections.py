"""sso: OIDC connections (client secret encrypted at rest) and the OIDC logins keystile started

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql")
    op.create_table(
        "oidc_connections",
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("identity_provider", sa.String(length=32), nullable=False),
        sa.Column("issuer", sa.String(length=2048), nullable=False),
        sa.Column("client_id", sa.String(length=512), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("authorization_url", sa.String(length=2048), nullable=False),
        sa.Column("token_url", sa.String(length=2048), nullable=False),
        sa.Column("userinfo_url", sa.String(length=2048), nullable=False),
        sa.Column("jwks_url", sa.String(length=2048), nullable=False),
        sa.Column("custom_scopes", sa.String(length=2048), nullable=False),
        sa.Column("attribute_mapping", json, nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_oidc_connections")),
    )
    with op.batch_alter_table("oidc_connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oidc_connections_project_id_organization_id"),
            ["project_id", "organization_id"],
            unique=False,
        )
    op.create_table(
        "oidc_requests",
        sa.Column("state_digest", sa.String(length=64), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("provider_verifier_encrypted", sa.Text(), nullable=False),
        sa.Column("login_redirect_url", sa.String(length=2048), nullable=False),
        sa.Column("signup_redirect_url", sa.String(length=2048), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("state_digest", name=op.f("pk_oidc_requests")),
    )


def downgrade() -> None:
    op.drop_table("oidc_requests")
    with op.batch_alter_table("oidc_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_connections_project_id_organization_id"))
    op.drop_table("oidc_connections")
