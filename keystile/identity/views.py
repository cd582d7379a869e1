"""A user together with its emails and phone numbers, as the API presents it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from keystile.identity.models import User, UserEmail, UserPhone


@dataclass(frozen=True)
class PasswordSummary:
    """The User's `password` object (the hash itself never leaves the passwords package)."""

    password_id: str
    requires_reset: bool


@dataclass(frozen=True)
class ActiveLock:
    """A lock after too many failed authentications, while it lasts."""

    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class TotpSummary:
    """An entry of the User's `totps` list (the secret never leaves the TOTP package)."""

    totp_id: str
    verified: bool


@dataclass
class UserView:
    user: User
    emails: list[UserEmail] = field(default_factory=list)
    phones: list[UserPhone] = field(default_factory=list)
    password: PasswordSummary | None = None
    lock: ActiveLock | None = None
    totps: list[TotpSummary] = field(default_factory=list)
