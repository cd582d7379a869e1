"""Tables for users' TOTP registrations and their recovery codes."""

from __future__ import annotations

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.authenticator_rows import AuthenticatorColumns, RecoveryCodeColumns
from keystile.db.base import Base, id_column_type


class Totp(AuthenticatorColumns, Base):
    """One authenticator app of a user."""

    __tablename__ = "totps"
    __table_args__ = (Index(None, "project_id", "user_id"),)

    user_id: Mapped[str] = mapped_column(id_column_type())


class TotpRecoveryCode(RecoveryCodeColumns, Base):
    __tablename__ = "totp_recovery_codes"
    __table_args__ = (Index(None, "project_id", "totp_id", "code_digest"),)

    user_id: Mapped[str] = mapped_column(id_column_type())
