"""The table of last-send instants per (project, key), e.g. one magic-link email per address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type


class SendSlot(Base):
    __tablename__ = "send_slots"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    # e.g. "magic_link_email:sha256(address)": a digest keeps addresses out of this table's key.
    slot_key: Mapped[str] = mapped_column(String(96), primary_key=True)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
