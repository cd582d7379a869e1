"""b2b mfa: members' TOTP registrations, recovery codes and passcodes; the TOTP on the member; the
factors an intermediate session carries

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-04 15:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0012"
down_revision = "0005"
branch_labels = None
depends_on = None


def _id() -> sa.String:
    return sa.String(length=96)


def upgrade() -> None:
    op.create_table(
        "member_totps",
        sa.Column("totp_id", _id(), nullable=False),
        sa.Column("project_id", _id(), nullable=False),
        sa.Column("organization_id", _id(), nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("totp_id", name=op.f("pk_member_totps")),
    )
    with op.batch_alter_table("member_totps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_totps_project_id_member_id"), ["project_id", "member_id"], unique=False
        )
    op.create_table(
        "member_recovery_codes",
        sa.Column("recovery_code_id", _id(), nullable=False),
        sa.Column("project_id", _id(), nullable=False),
        sa.Column("member_id", _id(), nullable=False),
        sa.Column("totp_id", _id(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("code_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("recovery_code_id", name=op.f("pk_member_recovery_codes")),
    )
    with op.batch_alter_table("member_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_recovery_codes_project_id_totp_id_code_digest"),
            ["project_id", "totp_id", "code_digest"],
            unique=False,
        )
    op.create_table(
        "member_otp_codes",
        sa.Column("code_id", _id(), nullable=False),
        sa.Column("project_id", _id(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organization_id", _id(), nullable=True),
        sa.Column("member_id", _id(), nullable=True),
        sa.Column("destination", sa.String(length=320), nullable=False),
        sa.Column("code_key_encrypted", sa.Text(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("code_id", name=op.f("pk_member_otp_codes")),
    )
    with op.batch_alter_table("member_otp_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_otp_codes_project_id_member_id_kind_created_at"),
            ["project_id", "member_id", "kind", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_member_otp_codes_project_id_destination_kind_created_at"),
            ["project_id", "destination", "kind", "created_at"],
            unique=False,
        )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("totp_registration_id", sa.String(length=96), server_default="", nullable=False)
        )
    with op.batch_alter_table("intermediate_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authentication_factors", keystile.db.base.JSONDocument, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intermediate_sessions", schema=None) as batch_op:
        batch_op.drop_column("authentication_factors")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("totp_registration_id")
    op.drop_table("member_otp_codes")
    op.drop_table("member_recovery_codes")
    op.drop_table("member_totps")
