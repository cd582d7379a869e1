"""Device Fingerprinting: telemetry records, rules, and verdict-reason overrides

Revision ID: 0040
Revises: 0001
Create Date: 2026-12-05 13:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0040"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dfp_telemetry",
        sa.Column("telemetry_id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("header_user_agent", sa.String(length=512), nullable=False),
        sa.Column("signals", keystile.db.base.JSONDocument, nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("telemetry_id", name=op.f("pk_dfp_telemetry")),
    )
    with op.batch_alter_table("dfp_telemetry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dfp_telemetry_project_id_expires_at"), ["project_id", "expires_at"], unique=False
        )
    op.create_table(
        "dfp_rules",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("rule_type", sa.String(length=32), nullable=False),
        sa.Column("identifier", sa.String(length=96), nullable=False),
        sa.Column("rule_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("last_updated_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("project_id", "rule_type", "identifier", name=op.f("pk_dfp_rules")),
    )
    with op.batch_alter_table("dfp_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dfp_rules_project_id_created_at_rule_id"),
            ["project_id", "created_at", "rule_id"],
            unique=False,
        )
    op.create_table(
        "dfp_verdict_reason_overrides",
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("verdict_reason", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "verdict_reason", name=op.f("pk_dfp_verdict_reason_overrides")),
    )


def downgrade() -> None:
    op.drop_table("dfp_verdict_reason_overrides")
    with op.batch_alter_table("dfp_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dfp_rules_project_id_created_at_rule_id"))
    op.drop_table("dfp_rules")
    with op.batch_alter_table("dfp_telemetry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dfp_telemetry_project_id_expires_at"))
    op.drop_table("dfp_telemetry")
