"""members: retired email addresses (kept until unlinked, unusable by the organization's other members)

Revision ID: 0033
Revises: 0005
Create Date: 2026-12-05 08:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0033"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_retired_emails",
        sa.Column("email_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("member_id", sa.String(length=96), nullable=False),
        sa.Column("email_address", sa.String(length=320), nullable=False),
        sa.Column("retired_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email_id", name=op.f("pk_member_retired_emails")),
        sa.UniqueConstraint(
            "project_id",
            "organization_id",
            "email_address",
            name=op.f("uq_member_retired_emails_project_id_organization_id_email_address"),
        ),
    )
    with op.batch_alter_table("member_retired_emails", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_retired_emails_project_id_member_id"),
            ["project_id", "member_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("member_retired_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_retired_emails_project_id_member_id"))
    op.drop_table("member_retired_emails")
