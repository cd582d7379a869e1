"""connected apps: OAuth clients and users' and members' grants

Revision ID: 0024
Revises: 0001
Create Date: 2026-12-04 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0024"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connected_app_clients",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("client_id", sa.String(length=96), nullable=False),
        sa.Column("client_type", sa.String(length=32), nullable=False),
        sa.Column("client_name", sa.String(length=256), nullable=False),
        sa.Column("client_description", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("redirect_urls", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("post_logout_redirect_urls", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("full_access_allowed", sa.Boolean(), nullable=False),
        sa.Column("access_token_expiry_minutes", sa.Integer(), nullable=False),
        sa.Column("access_token_custom_audience", sa.String(length=512), nullable=True),
        sa.Column("access_token_template_content", sa.Text(), nullable=False),
        sa.Column("id_token_template_content", sa.Text(), nullable=False),
        sa.Column("bypass_consent_for_offline_access", sa.Boolean(), nullable=False),
        sa.Column("logo_url", sa.String(length=2048), nullable=True),
        sa.Column("creation_method", sa.String(length=16), nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=True),
        sa.Column("secret_last_four", sa.String(length=4), nullable=True),
        sa.Column("next_secret_digest", sa.String(length=64), nullable=True),
        sa.Column("next_secret_last_four", sa.String(length=4), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "client_id", name=op.f("pk_connected_app_clients")),
    )
    with op.batch_alter_table("connected_app_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_connected_app_clients_project_id_created_at_client_id"),
            ["project_id", "created_at", "client_id"],
            unique=False,
        )
    op.create_table(
        "connected_app_grants",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("subject_id", sa.String(length=96), nullable=False),
        sa.Column("client_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=True),
        sa.Column("scopes", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "project_id", "subject_id", "client_id", name=op.f("pk_connected_app_grants")
        ),
    )
    with op.batch_alter_table("connected_app_grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_connected_app_grants_project_id_client_id"),
            ["project_id", "client_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_connected_app_grants_project_id_organization_id_client_id"),
            ["project_id", "organization_id", "client_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("connected_app_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connected_app_grants_project_id_organization_id_client_id"))
        batch_op.drop_index(batch_op.f("ix_connected_app_grants_project_id_client_id"))
    op.drop_table("connected_app_grants")
    with op.batch_alter_table("connected_app_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connected_app_clients_project_id_created_at_client_id"))
    op.drop_table("connected_app_clients")
