"""Tables of the provider: authorization codes and refresh tokens (single-use, stored as digests), the
token families that tie every token minted from one authorization together so they revoke as one, and
the access tokens exchanged for a session (each once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUseToken


class IdpAuthorizationCode(SingleUseToken, Base):
    """A code from `idp.oauth.authorize`, redeemed once at the token endpoint (`consumed_at`)."""

    __tablename__ = "idp_authorization_codes"

    family_id: Mapped[str] = mapped_column(id_column_type())
    client_id: Mapped[str] = mapped_column(String(128))
    subject_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    session_id: Mapped[str | None] = mapped_column(id_column_type())
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    nonce: Mapped[str | None] = mapped_column(String(512))
    auth_time: Mapped[datetime] = mapped_column(UTCDateTime())


class IdpTokenFamily(Base):
    """Every token minted from one authorization code; revoked as one when a code or a rotated refresh
    token is presented again (RFC 9700 section 4.14), or when the client revokes a token."""

    __tablename__ = "idp_token_families"
    __table_args__ = (Index(None, "project_id", "subject_id", "client_id"),)

    family_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    client_id: Mapped[str] = mapped_column(String(128))
    subject_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    session_id: Mapped[str | None] = mapped_column(id_column_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IdpRefreshToken(SingleUseToken, Base):
    """A refresh token; refreshing uses it up (`consumed_at`) and issues its successor in the family."""

    __tablename__ = "idp_refresh_tokens"
    __table_args__ = (Index(None, "project_id", "family_id"),)

    family_id: Mapped[str] = mapped_column(id_column_type())
    client_id: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)


class IdpSettings(Base):
    """A project's provider settings: the URL of the app's authorization page (discovery's
    `authorization_endpoint`) and whether clients may register themselves (RFC 7591)."""

    __tablename__ = "idp_settings"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    authorization_url: Mapped[str | None] = mapped_column(String(2048))
    dynamic_registration: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdpExchangedAccessToken(Base):
    """An access token (by its `jti`) already exchanged for a session (`sessions.exchange_access_token`):
    each is exchanged once; the row outlives the token's short exchange window."""

    __tablename__ = "idp_exchanged_access_tokens"
    __table_args__ = (PrimaryKeyConstraint("project_id", "token_id"),)

    project_id: Mapped[str] = mapped_column(id_column_type())
    token_id: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
