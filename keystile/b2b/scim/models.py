"""Tables for SCIM connections (bearer tokens kept as SHA-256 digests), the groups an IdP provisions,
their members, and each provisioned member's SCIM registration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


class SCIMConnection(Base):
    """An organization's SCIM connection (one at most); during a token rotation both tokens work."""

    __tablename__ = "scim_connections"
    __table_args__ = (UniqueConstraint("project_id", "organization_id"),)

    connection_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    status: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(256))
    identity_provider: Mapped[str] = mapped_column(String(32))
    bearer_token_digest: Mapped[str] = mapped_column(String(64))
    bearer_token_last_four: Mapped[str] = mapped_column(String(4))
    # The rotation's new token, until it is completed or cancelled.
    next_bearer_token_digest: Mapped[str | None] = mapped_column(String(64))
    next_bearer_token_last_four: Mapped[str] = mapped_column(String(4))
    # [{"group_id", "role_id"}]
    group_role_assignments: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SCIMGroup(Base):
    """A group the IdP provisioned through a connection."""

    __tablename__ = "scim_groups"
    __table_args__ = (
        Index(None, "project_id", "connection_id", "created_at"),
        UniqueConstraint("project_id", "connection_id", "display_name_key"),
    )

    group_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    connection_id: Mapped[str] = mapped_column(id_column_type())
    display_name: Mapped[str] = mapped_column(String(256))
    # displayName is unique in a connection, compared without case: the SHA-256 of its casefolded form.
    display_name_key: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(256))
    # Bumped by every change: the resource's ETag.
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SCIMGroupMember(Base):
    __tablename__ = "scim_group_members"
    __table_args__ = (Index(None, "project_id", "member_id"), Index(None, "project_id", "connection_id"))

    group_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    member_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    connection_id: Mapped[str] = mapped_column(id_column_type())


class SCIMRegistration(Base):
    """A member provisioned through a connection: the SCIM User resource the IdP keeps (its id is the
    member's id)."""

    __tablename__ = "scim_registrations"
    __table_args__ = (
        UniqueConstraint("project_id", "member_id"),
        UniqueConstraint("project_id", "connection_id", "user_name_key"),
        Index(None, "project_id", "connection_id", "created_at"),
    )

    registration_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    connection_id: Mapped[str] = mapped_column(id_column_type())
    member_id: Mapped[str] = mapped_column(id_column_type())
    # userName is unique and compared without case (RFC 7643 section 4.1.1).
    user_name_key: Mapped[str] = mapped_column(String(320))
    external_id: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean)
    # The User resource's attributes as the IdP last sent them (without id and meta).
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
