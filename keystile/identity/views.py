"""A user together with its emails, phone numbers and lock, and the parts the factors add, as the API
presents it (built by `identity.profile.build_user_view`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from keystile.identity.models import User, UserEmail, UserPhone

if TYPE_CHECKING:
    from keystile.identity.profile import ProfilePart

T = TypeVar("T")


@dataclass(frozen=True)
class ActiveLock:
    """A lock after too many failed authentications, while it lasts."""

    created_at: datetime
    expires_at: datetime


@dataclass
class UserView:
    user: User
    emails: list[UserEmail] = field(default_factory=list)
    phones: list[UserPhone] = field(default_factory=list)
    lock: ActiveLock | None = None
    parts: dict[str, Any] = field(default_factory=dict)  # each factor's part, by the part's name

    def part(self, part: ProfilePart[T]) -> T:
        """The factor's part of this user (what it shows for no rows, for a user built without it)."""
        if part.name in self.parts:
            found: T = self.parts[part.name]
            return found
        return part.build([], self)
