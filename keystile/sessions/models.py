"""The columns every session has, the table of consumer sessions, and the per-project RSA keys that
sign session JWTs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


class SessionColumns:
    """The columns of every kind of session (a user's, a member's): what `jwts.SessionRecord` reads."""

    session_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    # SHA-256 of the current opaque session token; replaced whenever a new token is issued.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_accessed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    authentication_factors: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    custom_claims: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # {"ip_address": ..., "user_agent": ...} as given when the session started.
    attributes: Mapped[dict[str, str]] = mapped_column(JSONDocument)


class Session(SessionColumns, Base):
    __tablename__ = "sessions"
    __table_args__ = (Index(None, "project_id", "user_id"),)

    user_id: Mapped[str] = mapped_column(id_column_type())

    @property
    def subject_id(self) -> str:
        """Whom the session's JWTs are about (their `sub`)."""
        return self.user_id


class SigningKey(Base):
    """An RS256 key of one project. It is published (in the JWKS) from `created_at` until
    `expires_at`, and signs from `activates_at` until its successor activates (`retired_at`)."""

    __tablename__ = "signing_keys"
    # One key per generation: two servers creating a project's first key, or two rotations at once,
    # collide here and the loser re-reads instead of adding a second key.
    __table_args__ = (UniqueConstraint("project_id", "generation"),)

    kid: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    generation: Mapped[int] = mapped_column(Integer)
    algorithm: Mapped[str] = mapped_column(String(16))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # PKCS#8 PEM, Fernet-encrypted under KEYSTILE_ENCRYPTION_KEY.
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    activates_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
