"""Tables for M2M clients (secrets stored as SHA-256 digests) and each project's custom claims
template for M2M access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, PrimaryKeyConstraint, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


def exact_text(length: int) -> String:
    """A string compared byte for byte on every engine (MySQL's default collation ignores case, which
    would make `Abc` and `abc`, two distinct imported client ids, collide)."""
    return String(length).with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), "mysql", "mariadb")


class M2MClient(Base):
    __tablename__ = "m2m_clients"
    # client_id is unique per project only: imported ids are chosen by the caller.
    __table_args__ = (
        PrimaryKeyConstraint("project_id", "client_id"),
        Index(None, "project_id", "created_at", "client_id"),
    )

    project_id: Mapped[str] = mapped_column(id_column_type())
    client_id: Mapped[str] = mapped_column(exact_text(96))
    client_name: Mapped[str] = mapped_column(exact_text(256))
    client_description: Mapped[str] = mapped_column(String(1024))
    # active or inactive; an inactive client gets no new tokens.
    status: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    trusted_metadata: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    secret_digest: Mapped[str] = mapped_column(String(64))
    secret_last_four: Mapped[str] = mapped_column(String(4))
    # Set between rotate_start and rotate (or rotate_cancel): both secrets get tokens meanwhile.
    next_secret_digest: Mapped[str | None] = mapped_column(String(64))
    next_secret_last_four: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class M2MClaimsTemplate(Base):
    """The project's template of custom claims for M2M access tokens (see `keystile.m2m.claims`)."""

    __tablename__ = "m2m_claims_templates"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    template: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
