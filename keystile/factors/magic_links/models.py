"""The table of issued magic-link tokens (stored as SHA-256 digests only)."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, id_column_type
from keystile.db.single_use import SingleUseToken


class MagicLinkToken(SingleUseToken, Base):
    __tablename__ = "magic_link_tokens"
    __table_args__ = (Index(None, "project_id", "email", "kind"),)

    user_id: Mapped[str] = mapped_column(id_column_type())
    email_id: Mapped[str | None] = mapped_column(id_column_type())
    email: Mapped[str | None] = mapped_column(String(320))
    # login, signup, invite or embedded
    kind: Mapped[str] = mapped_column(String(16))
