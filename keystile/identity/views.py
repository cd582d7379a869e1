"""A user together with its emails and phone numbers, as the API presents it."""

from __future__ import annotations

from dataclasses import dataclass, field

from keystile.identity.models import User, UserEmail, UserPhone


@dataclass
class UserView:
    user: User
    emails: list[UserEmail] = field(default_factory=list)
    phones: list[UserPhone] = field(default_factory=list)
