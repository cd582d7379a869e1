"""oauth flows: states, tokens for apps, attach tokens, users' provider registrations

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-04 15:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keystile.db.base

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.String(length=96)


def _single_use_table(name: str, *columns: sa.Column[object]) -> None:
    """A table of single-use tokens (`keystile.db.single_use.SingleUseToken`) with `columns`."""
    op.create_table(
        name,
        sa.Column("token_id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        *columns,
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.Column("consumed_at", keystile.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("token_digest", name=op.f(f"uq_{name}_token_digest")),
    )


def upgrade() -> None:
    _single_use_table(
        "oauth_states",
        sa.Column("callback_id", ID, nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("provider_verifier_encrypted", sa.Text(), nullable=False),
        sa.Column("scopes", sa.String(length=2048), nullable=False),
        sa.Column("login_redirect_url", sa.String(length=2048), nullable=False),
        sa.Column("signup_redirect_url", sa.String(length=2048), nullable=False),
        sa.Column("attach_user_id", ID, nullable=True),
    )
    _single_use_table(
        "oauth_tokens",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("registration_id", ID, nullable=False),
        sa.Column("user_created", sa.Boolean(), nullable=False),
        sa.Column("email_first_proof", sa.Boolean(), nullable=False),
        sa.Column("provider_tokens_encrypted", sa.Text(), nullable=False),
    )
    _single_use_table(
        "oauth_attach_tokens",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
    )
    op.create_table(
        "oauth_registrations",
        sa.Column("registration_id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_subject", sa.String(length=255), nullable=False),
        sa.Column("profile_picture_url", sa.String(length=2048), nullable=False),
        sa.Column("locale", sa.String(length=64), nullable=False),
        sa.Column("email_id", ID, nullable=True),
        sa.Column("created_at", keystile.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_oauth_registrations")),
        sa.UniqueConstraint(
            "project_id",
            "provider",
            "provider_subject",
            name=op.f("uq_oauth_registrations_project_id_provider_provider_subject"),
        ),
    )
    with op.batch_alter_table("oauth_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oauth_registrations_project_id_user_id"), ["project_id", "user_id"], unique=False
        )


def downgrade() -> None:
    for name in ("oauth_registrations", "oauth_attach_tokens", "oauth_tokens", "oauth_states"):
        op.drop_table(name)
