"""The table of issued magic-link tokens (stored as SHA-256 digests only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type


class MagicLinkToken(Base):
    __tablename__ = "magic_link_tokens"
    __table_args__ = (Index(None, "project_id", "email", "kind"),)

    token_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(id_column_type())
    email_id: Mapped[str | None] = mapped_column(id_column_type())
    email: Mapped[str | None] = mapped_column(String(320))
    # login, signup, invite or embedded
    kind: Mapped[str] = mapped_column(String(16))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
