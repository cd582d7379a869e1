"""scim connections, groups, group members and registrations

Revision ID: 0023
Revises: 0005
Create Date: 2026-12-04 17:52:29.357430
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import keystile.db.base

revision = "0023"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "scim_connections",
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("identity_provider", sa.String(length=32), nullable=False),
        sa.Column("bearer_token_digest", sa.String(length=64), nullable=False),
        sa.Column("bearer_token_last_four", sa.String(length=4), nullable=False),
        sa.Column("next_bearer_token_digest", sa.String(length=64), nullable=True),
        sa.Column("next_bearer_token_last_four", sa.String(length=4), nullable=False),
        sa.Column(
            "group_role_assignments",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_scim_connections")),
        sa.UniqueConstraint(
            "project_id", "organization_id", name=op.f("uq_scim_connections_project_id_organization_id")
        ),
    )
    op.create_table(
        "scim_group_members",
        sa.Column("group_id", sa.String(length=96), nullable=False),
        sa.Column("member_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_scim_group_members")),
    )
    with op.batch_alter_table("scim_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scim_group_members_project_id_member_id"),
            ["project_id", "member_id"],
            unique=False,
        )

    op.create_table(
        "scim_groups",
        sa.Column("group_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("external_id", sa.String(length=256), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_scim_groups")),
    )
    with op.batch_alter_table("scim_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scim_groups_project_id_connection_id_created_at"),
            ["project_id", "connection_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "scim_registrations",
        sa.Column("registration_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("connection_id", sa.String(length=96), nullable=False),
        sa.Column("member_id", sa.String(length=96), nullable=False),
        sa.Column("user_name_key", sa.String(length=320), nullable=False),
        sa.Column("external_id", sa.String(length=256), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(mysql.JSON(), "mariadb").with_variant(mysql.JSON(), "mysql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_scim_registrations")),
        sa.UniqueConstraint(
            "project_id",
            "connection_id",
            "user_name_key",
            name=op.f("uq_scim_registrations_project_id_connection_id_user_name_key"),
        ),
        sa.UniqueConstraint(
            "project_id", "member_id", name=op.f("uq_scim_registrations_project_id_member_id")
        ),
    )
    with op.batch_alter_table("scim_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scim_registrations_project_id_connection_id_created_at"),
            ["project_id", "connection_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("scim_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scim_registrations_project_id_connection_id_created_at"))

    op.drop_table("scim_registrations")
    with op.batch_alter_table("scim_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scim_groups_project_id_connection_id_created_at"))

    op.drop_table("scim_groups")
    with op.batch_alter_table("scim_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scim_group_members_project_id_member_id"))

    op.drop_table("scim_group_members")
    op.drop_table("scim_connections")
