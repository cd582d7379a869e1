"""The table of issued one-time passcodes (stored as keyed digests only)."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, id_column_type
from keystile.db.single_use import Passcode


class OtpCode(Passcode, Base):
    """A code sent to an email address or phone number; `consumed_at` is set when it is used, or when a
    newer code to the same method replaces it."""

    __tablename__ = "otp_codes"
    # authenticate's query: the newest code sent to a method.
    __table_args__ = (Index(None, "project_id", "method_id", "created_at"),)

    code_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    user_id: Mapped[str] = mapped_column(id_column_type())
    # The email_id or phone_id the code was sent to (reserved for the contact when `attach` is set).
    method_id: Mapped[str] = mapped_column(id_column_type())
    # email, sms or whatsapp
    channel: Mapped[str] = mapped_column(String(16))
    # The address or E.164 number the code was sent to.
    destination: Mapped[str] = mapped_column(String(320))
    # Sent to a contact the user does not have yet: it is added, verified, when the code is.
    attach: Mapped[bool] = mapped_column(Boolean, default=False)
