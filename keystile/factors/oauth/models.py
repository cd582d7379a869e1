"""Tables for OAuth: each project's provider configurations (client secrets encrypted at rest)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type


class OAuthProviderConfig(Base):
    """A project's OAuth client at one provider. The URLs are overrides of the provider's built-in
    endpoints (NULL: the real ones), which is how a loopback provider stands in for it in tests."""

    __tablename__ = "oauth_providers"
    __table_args__ = (UniqueConstraint("project_id", "provider"),)

    # Also the last part of the callback URL registered at the provider (Stytch's `oauth-callback-…`).
    callback_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    provider: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[str] = mapped_column(String(512))
    # Fernet-encrypted under KEYSTILE_ENCRYPTION_KEY.
    client_secret_encrypted: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(2048))
    authorize_url: Mapped[str | None] = mapped_column(String(2048))
    token_url: Mapped[str | None] = mapped_column(String(2048))
    userinfo_url: Mapped[str | None] = mapped_column(String(2048))
    # Space-separated; NULL: the provider's default scopes.
    scopes: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
