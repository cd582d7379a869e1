"""The outbox table: one row per message, written with the state it announces, drained by the worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type

EMAIL = "email"

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
