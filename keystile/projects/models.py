"""Tables for projects, their secrets and their redirect-URL allowlist.

No foreign keys anywhere in keystile: Vitess-style sharded MySQL (PlanetScale) does not enforce
them across shards, so services keep references consistent and delete dependants themselves.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


class Project(Base):
    __tablename__ = "projects"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    vertical: Mapped[str] = mapped_column(String(16))
    # `live` or `test`, as Stytch has them; only a test project answers Stytch's sandbox values.
    environment: Mapped[str] = mapped_column(String(8))
    public_token: Mapped[str] = mapped_column(String(96), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The frontend SDK (`/sdk/v1`): off until enabled; the origins it answers; the methods it refuses.
    sdk_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    sdk_authorized_domains: Mapped[list[str] | None] = mapped_column(JSONDocument, default=None)
    sdk_forbidden_methods: Mapped[list[str] | None] = mapped_column(JSONDocument, default=None)


class ProjectSecret(Base):
    __tablename__ = "project_secrets"
    __table_args__ = (Index(None, "project_id"),)

    secret_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    last_four: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RedirectURL(Base):
    __tablename__ = "redirect_urls"
    __table_args__ = (UniqueConstraint("project_id", "url_type", "url_digest"),)

    redirect_url_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    url_type: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2048))
    # URLs are too long for a portable unique index; their digest is not.
    url_digest: Mapped[str] = mapped_column(String(64))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebAuthnOrigin(Base):
    """An origin on which the project's WebAuthn relying party (its RP id, the origin's domain or a
    parent of it) accepts registrations and assertions."""

    __tablename__ = "webauthn_origins"
    __table_args__ = (UniqueConstraint("project_id", "origin"),)

    webauthn_origin_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    origin: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
