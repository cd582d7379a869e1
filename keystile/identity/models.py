"""Tables for consumer users, their email addresses and phone numbers (unique per project), and their
failed-authentication counters and locks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id"),
        Index(None, "project_id", "created_at", "user_id"),
    )

    user_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    status: Mapped[str] = mapped_column(String(16))
    first_name: Mapped[str | None] = mapped_column(String(256))
    middle_name: Mapped[str | None] = mapped_column(String(256))
    last_name: Mapped[str | None] = mapped_column(String(256))
    external_id: Mapped[str | None] = mapped_column(String(128))
    trusted_metadata: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    untrusted_metadata: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    roles: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContactColumns:
    """The columns of a user's email address or phone number, apart from its id and value."""

    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserEmail(ContactColumns, Base):
    __tablename__ = "user_emails"
    __table_args__ = (UniqueConstraint("project_id", "email"), Index(None, "project_id", "user_id"))

    email_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))


class UserPhone(ContactColumns, Base):
    __tablename__ = "user_phones"
    __table_args__ = (UniqueConstraint("project_id", "phone_number"), Index(None, "project_id", "user_id"))

    phone_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    phone_number: Mapped[str] = mapped_column(String(32))


class UserLock(Base):
    """Failed authentications of one user in the current window, and the lock they led to."""

    __tablename__ = "user_locks"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    user_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lock_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
