"""Tables for members' passwords and their emailed reset tokens. A password is held by a member, or,
with cross-organization passwords, by an email address across the project's organizations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUseToken


class MemberPassword(Base):
    """One password: an argon2id PHC string, or an imported hash awaiting its rehash."""

    __tablename__ = "member_passwords"
    __table_args__ = (UniqueConstraint("project_id", "holder"), Index(None, "project_id", "email_address"))

    member_password_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    # Whose it is: a member id (organization-scoped) or, with cross-org passwords, the email address.
    holder: Mapped[str] = mapped_column(String(320))
    email_address: Mapped[str] = mapped_column(String(320))
    hash_type: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(Text)
    hash_config: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    requires_reset: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MemberPasswordResetToken(SingleUseToken, Base):
    """An emailed reset token for a member (or, from discovery, for an address), redeemed at most once."""

    __tablename__ = "member_password_reset_tokens"
    __table_args__ = (Index(None, "project_id", "email_address"),)

    email_address: Mapped[str] = mapped_column(String(320))
    # Null for discovery resets, which belong to an address rather than a member.
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    member_id: Mapped[str | None] = mapped_column(id_column_type())
