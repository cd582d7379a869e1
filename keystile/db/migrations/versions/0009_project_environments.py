"""projects carry their environment, live or test

Revision ID: 0009
Revises: 0001
Create Date: 2026-12-03 19:00:00.000000

Projects made before environments existed all had `project-test-…` ids and answered Stytch's sandbox
values, so each existing project becomes what its id says (`test`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("environment", sa.String(length=8), nullable=True))
    projects = sa.table("projects", sa.column("project_id", sa.String), sa.column("environment", sa.String))
    op.execute(
        projects.update().values(
            environment=sa.case((projects.c.project_id.like("project-live-%"), "live"), else_="test")
        )
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.alter_column("environment", existing_type=sa.String(length=8), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("environment")
