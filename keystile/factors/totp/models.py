"""Tables for users' TOTP registrations and their recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type


class Totp(Base):
    """One authenticator app of a user: pending until a first code verifies it, unusable if that
    does not happen before `expires_at`."""

    __tablename__ = "totps"
    __table_args__ = (Index(None, "project_id", "user_id"),)

    totp_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    # The base32 secret, Fernet-encrypted under KEYSTILE_ENCRYPTION_KEY (codes are computed from it).
    secret_encrypted: Mapped[str] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The 30-second step of the last accepted code: that code and every earlier one are refused.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class TotpRecoveryCode(Base):
    __tablename__ = "totp_recovery_codes"
    __table_args__ = (Index(None, "project_id", "totp_id", "code_digest"),)

    recovery_code_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    totp_id: Mapped[str] = mapped_column(id_column_type())
    # HMAC-SHA256 of the code keyed by the registration's secret, which only the server can decrypt.
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
