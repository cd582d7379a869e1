"""Tables for trusted auth tokens: each project's token profiles, and the token ids already attested."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type


class TrustedTokenProfile(Base):
    """A JWT issuer the project trusts: its iss and aud, where its public keys are (a JWKS URL or PEM
    keys), and which claims name the email, the token id and (B2B) the organization."""

    __tablename__ = "trusted_token_profiles"

    profile_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type(), index=True)
    name: Mapped[str] = mapped_column(String(256))
    issuer: Mapped[str] = mapped_column(String(2048))
    audience: Mapped[str] = mapped_column(String(2048))
    jwks_url: Mapped[str | None] = mapped_column(String(2048))
    # PEM public keys (at most five, as Stytch allows); NULL when a JWKS URL is used.
    pem_keys: Mapped[str | None] = mapped_column(Text)
    # The signature algorithms accepted (comma-separated): pinned, never read from the token.
    algorithms: Mapped[str] = mapped_column(String(256))
    # Claim names: {"email": …, "token_id": …, "organization_id": …} (organization_id optional).
    claim_mapping: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TrustedTokenUse(Base):
    """A token id already attested under a profile: each token is exchanged once, and its row is
    kept until the token has expired."""

    __tablename__ = "trusted_token_uses"
    __table_args__ = (PrimaryKeyConstraint("project_id", "profile_id", "token_id_digest"),)

    project_id: Mapped[str] = mapped_column(id_column_type())
    profile_id: Mapped[str] = mapped_column(id_column_type())
    # SHA-256 of the token's id claim (any length, any characters).
    token_id_digest: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
