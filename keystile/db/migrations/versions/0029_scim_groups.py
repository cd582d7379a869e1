"""scim groups: displayName unique per connection (display_name_key), memberships by connection

Revision ID: 0029
Revises: 0023
Create Date: 2026-12-05 08:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No group existed before this revision (the SCIM service had no /Groups), so the column needs no default.
    with op.batch_alter_table("scim_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name_key", sa.String(length=64), nullable=False))
        batch_op.create_unique_constraint(
            batch_op.f("uq_scim_groups_project_id_connection_id_display_name_key"),
            ["project_id", "connection_id", "display_name_key"],
        )
    with op.batch_alter_table("scim_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scim_group_members_project_id_connection_id"),
            ["project_id", "connection_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("scim_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scim_group_members_project_id_connection_id"))
    with op.batch_alter_table("scim_groups", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_scim_groups_project_id_connection_id_display_name_key"), type_="unique"
        )
        batch_op.drop_column("display_name_key")
