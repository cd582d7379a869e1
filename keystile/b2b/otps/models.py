"""The table of passcodes sent to members (SMS for MFA, email to log in) and to addresses (email
discovery), stored as keyed digests only."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, id_column_type
from keystile.db.single_use import Passcode


class MemberOtpCode(Passcode, Base):
    """A passcode of one `kind`: `sms` and `email` go to a member, `discovery` to an email address;
    `consumed_at` is set when it is used, or when a newer one of its kind replaces it."""

    __tablename__ = "member_otp_codes"
    __table_args__ = (
        Index(None, "project_id", "member_id", "kind", "created_at"),
        Index(None, "project_id", "destination", "kind", "created_at"),
    )

    code_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    member_id: Mapped[str | None] = mapped_column(id_column_type())
    # The E.164 number or email address the code was sent to.
    destination: Mapped[str] = mapped_column(String(320))
