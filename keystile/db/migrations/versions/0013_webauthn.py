"""webauthn: projects' allowed WebAuthn origins, users' registrations, ceremony challenges

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-04 15:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webauthn_origins",
        sa.Column("webauthn_origin_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("webauthn_origin_id", name=op.f("pk_webauthn_origins")),
        sa.UniqueConstraint("project_id", "origin", name=op.f("uq_webauthn_origins_project_id_origin")),
    )
    op.create_table(
        "webauthn_registrations",
        sa.Column("webauthn_registration_id", sa.String(length=96), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("user_agent", sa.String(length=512), nullable=False),
        sa.Column("authenticator_type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("credential_id", sa.Text(), nullable=False),
        sa.Column("credential_digest", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("webauthn_registration_id", name=op.f("pk_webauthn_registrations")),
        sa.UniqueConstraint(
            "project_id",
            "credential_digest",
            name=op.f("uq_webauthn_registrations_project_id_credential_digest"),
        ),
    )
    with op.batch_alter_table("webauthn_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webauthn_registrations_project_id_user_id"),
            ["project_id", "user_id"],
            unique=False,
        )
    op.create_table(
        "webauthn_challenges",
        sa.Column("challenge_id", sa.String(length=96), nullable=False),
        sa.Column("challenge_digest", sa.String(length=64), nullable=False),
        sa.Column("ceremony", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=96), nullable=True),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("user_agent", sa.String(length=512), nullable=False),
        sa.Column("authenticator_type", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.String(length=96), nullable=False),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("challenge_id", name=op.f("pk_webauthn_challenges")),
        sa.UniqueConstraint(
            "project_id", "challenge_digest", name=op.f("uq_webauthn_challenges_project_id_challenge_digest")
        ),
    )


def downgrade() -> None:
    op.drop_table("webauthn_challenges")
    with op.batch_alter_table("webauthn_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webauthn_registrations_project_id_user_id"))
    op.drop_table("webauthn_registrations")
    op.drop_table("webauthn_origins")
