"""The tables of the limits counted in the database: last sends per key, and counts per fixed window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type


class SendSlot(Base):
    """The last send instant per (project, key), e.g. one magic-link email per address."""

    __tablename__ = "send_slots"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    # e.g. "magic_link_email:sha256(address)": a digest keeps addresses out of this table's key.
    slot_key: Mapped[str] = mapped_column(String(96), primary_key=True)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SendCounter(Base):
    """How many sends one key (`sms_phone:<digest>`, …) made in its current window."""

    __tablename__ = "send_counters"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    counter_key: Mapped[str] = mapped_column(String(96), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer)
