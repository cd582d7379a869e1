"""Tables for users' WebAuthn registrations (passkeys and security keys) and the single-use
challenges of their registration and authentication ceremonies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUse

REGISTRATION = "registration"
AUTHENTICATION = "authentication"


class WebAuthnRegistration(Base):
    """One public-key credential of a user, bound to the relying-party id (`domain`) it was made for."""

    __tablename__ = "webauthn_registrations"
    __table_args__ = (
        UniqueConstraint("project_id", "credential_digest"),
        Index(None, "project_id", "user_id"),
    )

    webauthn_registration_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    domain: Mapped[str] = mapped_column(String(253))
    user_agent: Mapped[str] = mapped_column(String(512))
    # "platform", "cross-platform", or "" when the registration asked for neither.
    authenticator_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(256))
    # The credential id (base64url; up to 1023 bytes, too long for a portable unique index: its
    # SHA-256 is the lookup key) and its COSE public key (base64url).
    credential_id: Mapped[str] = mapped_column(Text)
    credential_digest: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(Text)
    # The authenticator's signature counter as last seen: an assertion must raise it (a clone cannot).
    sign_count: Mapped[int] = mapped_column(BigInteger)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebAuthnChallenge(SingleUse, Base):
    """A challenge handed out by `register_start` or `authenticate_start`, stored as its SHA-256 and
    redeemed once by the matching ceremony's finish (with the user, when one was named)."""

    __tablename__ = "webauthn_challenges"
    __table_args__ = (UniqueConstraint("project_id", "challenge_digest"),)

    challenge_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    challenge_digest: Mapped[str] = mapped_column(String(64))
    ceremony: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str | None] = mapped_column(id_column_type())
    domain: Mapped[str] = mapped_column(String(253))
    user_agent: Mapped[str] = mapped_column(String(512))
    authenticator_type: Mapped[str] = mapped_column(String(16))
