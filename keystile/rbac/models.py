"""The table of RBAC policies: a project's own (organization_id "") and each organization's custom
roles, as the JSON documents the API shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import PrimaryKeyConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type

PROJECT_POLICY = ""  # the organization_id of a project's own policy


class RbacPolicy(Base):
    __tablename__ = "rbac_policies"
    __table_args__ = (PrimaryKeyConstraint("project_id", "organization_id"),)

    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
