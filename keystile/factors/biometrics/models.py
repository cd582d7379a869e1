"""Tables for users' biometric registrations (a device's Ed25519 public key) and the single-use
challenges of their registration and authentication."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUse

REGISTRATION = "registration"
AUTHENTICATION = "authentication"
# Base64 (standard, padded) of 32 bytes: an Ed25519 public key or a challenge.
B64_32 = 44


class BiometricRegistration(Base):
    """One device key of a user: the public half of the key pair its biometric prompt guards."""

    __tablename__ = "biometric_registrations"
    __table_args__ = (UniqueConstraint("project_id", "public_key"), Index(None, "project_id", "user_id"))

    biometric_registration_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    public_key: Mapped[str] = mapped_column(String(B64_32))
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BiometricChallenge(SingleUse, Base):
    """The bytes a device must sign to finish a registration (whose id and key it reserves) or an
    authentication of a registration. The device does not send them back, only their signature, so the
    challenge is kept as issued (it is no secret: only the private key is); it is redeemed once."""

    __tablename__ = "biometric_challenges"
    __table_args__ = (Index(None, "project_id", "biometric_registration_id"),)

    challenge_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    ceremony: Mapped[str] = mapped_column(String(16))
    biometric_registration_id: Mapped[str] = mapped_column(id_column_type())
    user_id: Mapped[str] = mapped_column(id_column_type())
    public_key: Mapped[str] = mapped_column(String(B64_32))
    challenge: Mapped[str] = mapped_column(String(B64_32))
