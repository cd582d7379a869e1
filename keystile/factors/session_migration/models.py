"""The table of each project's session-migration setting: the external provider's userinfo URL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type


class SessionMigrationConfig(Base):
    """Where `sessions.migrate` asks who a token of the project's former provider belongs to."""

    __tablename__ = "session_migration_configs"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    userinfo_url: Mapped[str] = mapped_column(String(2048))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
