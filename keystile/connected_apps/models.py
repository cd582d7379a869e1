"""Tables of Connected Apps: the OAuth clients a project registers (secrets stored as SHA-256 digests)
and the grants, a user's or a member's consent to one client."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


class ConnectedAppClient(Base):
    __tablename__ = "connected_app_clients"
    __table_args__ = (
        PrimaryKeyConstraint("project_id", "client_id"),
        Index(None, "project_id", "created_at", "client_id"),
    )

    project_id: Mapped[str] = mapped_column(id_column_type())
    client_id: Mapped[str] = mapped_column(id_column_type())
    # first_party, third_party (confidential: they have a secret), first_party_public, third_party_public.
    client_type: Mapped[str] = mapped_column(String(32))
    client_name: Mapped[str] = mapped_column(String(256))
    client_description: Mapped[str] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(16))
    redirect_urls: Mapped[list[str]] = mapped_column(JSONDocument)
    post_logout_redirect_urls: Mapped[list[str]] = mapped_column(JSONDocument)
    full_access_allowed: Mapped[bool] = mapped_column(Boolean)
    access_token_expiry_minutes: Mapped[int] = mapped_column(Integer)
    access_token_custom_audience: Mapped[str | None] = mapped_column(String(512))
    access_token_template_content: Mapped[str] = mapped_column(Text)
    id_token_template_content: Mapped[str] = mapped_column(Text)
    bypass_consent_for_offline_access: Mapped[bool] = mapped_column(Boolean)
    logo_url: Mapped[str | None] = mapped_column(String(2048))
    # api (the management API) or dynamic (RFC 7591 registration).
    creation_method: Mapped[str] = mapped_column(String(16))
    # None for public clients, which authenticate with PKCE alone.
    secret_digest: Mapped[str | None] = mapped_column(String(64))
    secret_last_four: Mapped[str | None] = mapped_column(String(4))
    # Set between rotate_start and rotate (or rotate_cancel): both secrets authenticate meanwhile.
    next_secret_digest: Mapped[str | None] = mapped_column(String(64))
    next_secret_last_four: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConnectedAppGrant(Base):
    """A subject's (user's or member's) consent to a client, with the scopes granted at the end of its
    latest authorization flow. Members carry their organization, users none."""

    __tablename__ = "connected_app_grants"
    __table_args__ = (
        PrimaryKeyConstraint("project_id", "subject_id", "client_id"),
        Index(None, "project_id", "client_id"),
        Index(None, "project_id", "organization_id", "client_id"),
    )

    project_id: Mapped[str] = mapped_column(id_column_type())
    subject_id: Mapped[str] = mapped_column(id_column_type())
    client_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
