"""Tables for members' TOTP registrations and their recovery codes."""

from __future__ import annotations

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.authenticator_rows import AuthenticatorColumns, RecoveryCodeColumns
from keystile.db.base import Base, id_column_type


class MemberTotp(AuthenticatorColumns, Base):
    """One authenticator app of a member."""

    __tablename__ = "member_totps"
    __table_args__ = (Index(None, "project_id", "member_id"),)

    organization_id: Mapped[str] = mapped_column(id_column_type())
    member_id: Mapped[str] = mapped_column(id_column_type())


class MemberRecoveryCode(RecoveryCodeColumns, Base):
    """A recovery code of a member's registration. Stytch shows a member's codes again (`get`), so the
    code is also kept Fernet-encrypted; it is found by its digest."""

    __tablename__ = "member_recovery_codes"
    __table_args__ = (Index(None, "project_id", "totp_id", "code_digest"),)

    member_id: Mapped[str] = mapped_column(id_column_type())
    code_encrypted: Mapped[str] = mapped_column(Text)
