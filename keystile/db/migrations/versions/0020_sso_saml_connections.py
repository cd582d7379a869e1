"""sso: SAML connections, the AuthnRequests keystile sent, the assertion ids it accepted, SSO tokens

Revision ID: 0020
Revises: 0005
Create Date: 2026-12-04 14:56:56.444441
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0020"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saml_assertions_seen",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("assertion_id", sa.String(length=256), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "project_id", "connection_id", "assertion_id", name=op.f("pk_saml_assertions_seen")
        ),
    )
    op.create_table(
        "saml_connections",
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("identity_provider", sa.String(length=32), nullable=False),
        sa.Column("idp_entity_id", sa.String(length=2048), nullable=False),
        sa.Column("idp_sso_url", sa.String(length=2048), nullable=False),
        sa.Column("nameid_format", sa.String(length=256), nullable=False),
        sa.Column("alternative_audience_uri", sa.String(length=2048), nullable=False),
        sa.Column("alternative_acs_url", sa.String(length=2048), nullable=False),
        sa.Column("idp_initiated_auth_disabled", sa.Boolean(), nullable=False),
        sa.Column("allow_gateway_callback", sa.Boolean(), nullable=False),
        sa.Column(
            "attribute_mapping",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column(
            "connection_role_assignments",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column(
            "group_role_assignments",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column(
            "verification_certificates",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column(
            "encryption_private_keys",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_saml_connections")),
    )
    with op.batch_alter_table("saml_connections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saml_connections_project_id_organization_id"),
            ["project_id", "organization_id"],
            unique=False,
        )

    op.create_table(
        "saml_requests",
        sa.Column("relay_state_digest", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("login_redirect_url", sa.String(length=2048), nullable=False),
        sa.Column("signup_redirect_url", sa.String(length=2048), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("relay_state_digest", name=op.f("pk_saml_requests")),
    )
    op.create_table(
        "sso_tokens",
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("email_address", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("provider_subject", sa.String(length=512), nullable=False),
        sa.Column(
            "idp_groups",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column("token_id", sa.String(length=96), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_sso_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_sso_tokens_token_digest")),
    )


def downgrade() -> None:
    op.drop_table("sso_tokens")
    op.drop_table("saml_requests")
    with op.batch_alter_table("saml_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_connections_project_id_organization_id"))

    op.drop_table("saml_connections")
    op.drop_table("saml_assertions_seen")
