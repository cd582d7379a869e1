"""Tables for users' passwords and password-reset tokens. Neither adds a column to `users`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUseToken


class UserPassword(Base):
    """A user's one password: an argon2id PHC string, or an imported hash awaiting its rehash."""

    __tablename__ = "user_passwords"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    password_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    # Stytch's hash_type names: argon_2id for keystile's own hashes, else the imported type.
    hash_type: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(Text)
    # The imported type's parameters (salts, costs) when they are not inside `hash` itself.
    hash_config: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    requires_reset: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether the address was verified when the password was set: a password set on an unverified
    # address must be reset once someone proves they own it (Stytch's pre-hijack protection).
    email_verified_when_set: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PasswordResetToken(SingleUseToken, Base):
    """An emailed reset token, stored as its SHA-256 digest and redeemed at most once."""

    __tablename__ = "password_reset_tokens"
    __table_args__ = (Index(None, "project_id", "user_id"),)

    user_id: Mapped[str] = mapped_column(id_column_type())
    email_id: Mapped[str] = mapped_column(id_column_type())
