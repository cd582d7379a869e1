"""Tables of Device Fingerprinting: telemetry records, rules, and verdict-reason overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


class DfpTelemetry(Base):
    """One collection of a browser's signals and of the request that carried them."""

    __tablename__ = "dfp_telemetry"
    __table_args__ = (Index(None, "project_id", "expires_at"),)

    telemetry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    visitor_id: Mapped[str] = mapped_column(String(64))
    ip_address: Mapped[str] = mapped_column(String(45))
    # The request's own User-Agent header, compared with what the page's script reports.
    header_user_agent: Mapped[str] = mapped_column(String(512))
    signals: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DfpRule(Base):
    """A project's rule: the action a lookup gets when its `rule_type` identifier is `identifier`."""

    __tablename__ = "dfp_rules"
    __table_args__ = (
        PrimaryKeyConstraint("project_id", "rule_type", "identifier"),
        Index(None, "project_id", "created_at", "rule_id"),
    )

    project_id: Mapped[str] = mapped_column(id_column_type())
    rule_type: Mapped[str] = mapped_column(String(32))
    identifier: Mapped[str] = mapped_column(String(96))
    rule_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DfpVerdictReasonOverride(Base):
    """A project's action for a verdict reason, in place of the reason's default."""

    __tablename__ = "dfp_verdict_reason_overrides"
    __table_args__ = (PrimaryKeyConstraint("project_id", "verdict_reason"),)

    project_id: Mapped[str] = mapped_column(id_column_type())
    verdict_reason: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
