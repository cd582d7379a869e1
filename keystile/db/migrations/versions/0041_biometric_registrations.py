"""mobile biometrics: users' device keys (Ed25519 public keys) and the challenges they sign

Revision ID: 0041
Revises: 0001
Create Date: 2026-12-05 13:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0041"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "biometric_registrations",
        sa.Column("biometric_registration_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("public_key", sa.String(length=44), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("biometric_registration_id", name=op.f("pk_biometric_registrations")),
        sa.UniqueConstraint(
            "project_id", "public_key", name=op.f("uq_biometric_registrations_project_id_public_key")
        ),
    )
    with op.batch_alter_table("biometric_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_biometric_registrations_project_id_user_id"),
            ["project_id", "user_id"],
            unique=False,
        )
    op.create_table(
        "biometric_challenges",
        sa.Column("challenge_id", sa.String(length=96), nullable=False),
        sa.Column("ceremony", sa.String(length=16), nullable=False),
        sa.Column("biometric_registration_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("public_key", sa.String(length=44), nullable=False),
        sa.Column("challenge", sa.String(length=44), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("challenge_id", name=op.f("pk_biometric_challenges")),
    )
    with op.batch_alter_table("biometric_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_biometric_challenges_project_id_biometric_registration_id"),
            ["project_id", "biometric_registration_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("biometric_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_biometric_challenges_project_id_biometric_registration_id"))
    op.drop_table("biometric_challenges")
    with op.batch_alter_table("biometric_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_biometric_registrations_project_id_user_id"))
    op.drop_table("biometric_registrations")
