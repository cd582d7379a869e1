"""Tables for OAuth: each project's provider configurations (client secrets encrypted at rest), the
flows under way (`oauth_states`), the tokens handed back to apps, attach tokens, and the users'
registrations at providers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUseToken


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


class OAuthState(SingleUseToken, Base):
    """A flow sent to a provider: `token_digest` is the `state`'s (the browser also holds it in a
    cookie), redeemed once by the callback. `code_challenge` is the app's PKCE challenge; the verifier
    keystile itself gave the provider is kept encrypted. A Google One Tap flow's digest is its CSRF
    token's, and its nonce, verifier, scopes and URLs are empty (its submit names the URLs)."""

    __tablename__ = "oauth_states"

    callback_id: Mapped[str] = mapped_column(id_column_type())
    provider: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[str] = mapped_column(String(64))
    provider_verifier_encrypted: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(2048))
    login_redirect_url: Mapped[str] = mapped_column(String(2048))
    signup_redirect_url: Mapped[str] = mapped_column(String(2048))
    # Set when the flow began with an oauth_attach_token: the user the provider's account joins.
    attach_user_id: Mapped[str | None] = mapped_column(id_column_type())
    # Set when a B2B flow logs into an organization (a B2B flow without one is discovery).
    organization_id: Mapped[str | None] = mapped_column(id_column_type())


class OAuthToken(SingleUseToken, Base):
    """The token of `?stytch_token_type=oauth&token=…`, redeemed once by `oauth.authenticate`, with the
    provider's tokens it hands over (encrypted at rest)."""

    __tablename__ = "oauth_tokens"

    user_id: Mapped[str] = mapped_column(id_column_type())
    registration_id: Mapped[str] = mapped_column(id_column_type())
    user_created: Mapped[bool] = mapped_column(Boolean)
    # True when this login proved the user's email for the first time (other sessions then end).
    email_first_proof: Mapped[bool] = mapped_column(Boolean)
    provider_tokens_encrypted: Mapped[str] = mapped_column(Text)


class OAuthAttachToken(SingleUseToken, Base):
    """An `oauth_attach_token`: the next flow at `provider` started with it joins `user_id`."""

    __tablename__ = "oauth_attach_tokens"

    user_id: Mapped[str] = mapped_column(id_column_type())
    provider: Mapped[str] = mapped_column(String(32))


class OAuthRegistration(Base):
    """A user's account at a provider (Stytch's `providers` entry), one per provider subject."""

    __tablename__ = "oauth_registrations"
    __table_args__ = (
        UniqueConstraint("project_id", "provider", "provider_subject"),
        Index(None, "project_id", "user_id"),
    )

    registration_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    provider: Mapped[str] = mapped_column(String(32))
    provider_subject: Mapped[str] = mapped_column(String(255))
    profile_picture_url: Mapped[str] = mapped_column(String(2048))
    locale: Mapped[str] = mapped_column(String(64))
    email_id: Mapped[str | None] = mapped_column(id_column_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
