"""The outbox table (one row per message, written with the state it announces, drained by the worker)
and each project's text-message policy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type

EMAIL = "email"
SMS = "sms"
WHATSAPP = "whatsapp"
TEXT_CHANNELS = (SMS, WHATSAPP)

PENDING = "pending"
SENT = "sent"
FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The worker's query: pending messages whose next attempt is due.
        Index(None, "status", "next_attempt_at"),
        Index(None, "project_id", "created_at"),
    )

    message_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(512))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set while a worker holds the message; a lease in the past means that worker died.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The exception's class name only: its text may echo addresses or server replies.
    last_error: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SmsPolicy(Base):
    """A project's limits on SMS and WhatsApp messages (toll-fraud protection); a project without a
    row uses the defaults in `keystile.delivery.tollfraud`."""

    __tablename__ = "sms_policies"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    # ISO 3166 alpha-2 codes of the countries whose numbers may receive messages.
    allowed_countries: Mapped[list[str]] = mapped_column(JSONDocument)
    per_phone_per_hour: Mapped[int] = mapped_column(Integer)
    per_ip_per_hour: Mapped[int] = mapped_column(Integer)
    project_per_hour: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
