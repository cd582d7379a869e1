"""The impersonation tokens table: each one minted, its subject and its impersonator, kept after use
as the record of who impersonated whom."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, id_column_type
from keystile.db.single_use import SingleUse


class ImpersonationToken(SingleUse, Base):
    """A token to sign in as `subject_id` (a user, or a member of `organization_id`), stored as its
    SHA-256 digest, used once within minutes."""

    __tablename__ = "impersonation_tokens"

    token_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    subject_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    impersonator_id: Mapped[str] = mapped_column(String(256))
    impersonator_email: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(1024))
