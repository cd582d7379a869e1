"""rbac policies: a project's own and its organizations' custom roles

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-04 04:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0011"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rbac_policies",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("organization_id", sa.String(length=96), nullable=False),
        sa.Column("document", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("updated_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "organization_id", name=op.f("pk_rbac_policies")),
    )


def downgrade() -> None:
    op.drop_table("rbac_policies")
