"""The User response, built in one place (`build_user_view`) from profile parts: identity's own
(emails, phone numbers, the lock) and those the packages holding users' rows register on import
(`register_user_data`), so that identity imports none of them. The same registry names the tables a
deleted user's rows are deleted from, and the erasers that delete what packages keep by other keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.base import Base, detached
from keystile.identity.models import User, UserEmail, UserLock, UserPhone
from keystile.identity.views import ActiveLock, UserView

T = TypeVar("T")
Row = tuple[Any, ...]
Now = datetime | ColumnElement[datetime]
# Deletes, in the deletion's unit of work, what a package keeps of a user (db, project_id, user_id).
UserEraser = Callable[[AsyncSession, str, str], Awaitable[None]]


@dataclass(frozen=True, eq=False)
class ProfilePart(Generic[T]):
    """One part of the User response: the user's rows of `model` that `where(now)` keeps, as tuples of
    `columns`, made into the part's value by `build` (given them in no particular order, and the view
    built so far: identity's parts come first)."""

    name: str
    model: type[Base]
    columns: tuple[str, ...]
    build: Callable[[list[Row], UserView], T]
    where: Callable[[Now], ColumnElement[bool]] | None = None


def _owned(view: UserView) -> dict[str, str]:
    return {"project_id": view.user.project_id, "user_id": view.user.user_id}


def _emails(rows: list[Row], view: UserView) -> list[UserEmail]:
    return [
        detached(UserEmail, {"email_id": i, "email": e, "verified": v, "created_at": c} | _owned(view))
        for i, e, v, c in sorted(rows, key=lambda row: (row[3], row[0]))
    ]


def _phones(rows: list[Row], view: UserView) -> list[UserPhone]:
    return [
        detached(UserPhone, {"phone_id": i, "phone_number": n, "verified": v, "created_at": c} | _owned(view))
        for i, n, v, c in sorted(rows, key=lambda row: (row[3], row[0]))
    ]


def _lock(rows: list[Row], view: UserView) -> ActiveLock | None:
    return ActiveLock(created_at=rows[0][0], expires_at=rows[0][1]) if rows else None


EMAILS = ProfilePart("emails", UserEmail, ("email_id", "email", "verified", "created_at"), _emails)
PHONES = ProfilePart("phones", UserPhone, ("phone_id", "phone_number", "verified", "created_at"), _phones)
LOCK = ProfilePart(
    "lock",
    UserLock,
    ("lock_created_at", "lock_expires_at"),
    _lock,
    where=lambda now: UserLock.lock_expires_at > now,
)
_REGISTERED: dict[str, ProfilePart[Any]] = {}
_OWNED: dict[str, type[Base]] = {model.__tablename__: model for model in (UserEmail, UserPhone, UserLock)}


_ERASERS: list[UserEraser] = []


def register_user_data(
    *,
    owned: Sequence[type[Base]] = (),
    parts: Sequence[ProfilePart[Any]] = (),
    erasers: Sequence[UserEraser] = (),
) -> None:
    """For a package whose tables hold users' rows, on import: the rows of `owned` are deleted with
    their user, `erasers` run when a user is deleted, and `parts` join the User response (in
    registration order)."""
    _OWNED.update((model.__tablename__, model) for model in owned)
    _REGISTERED.update((part.name, part) for part in parts)
    _ERASERS.extend(eraser for eraser in erasers if eraser not in _ERASERS)


def profile_parts() -> tuple[ProfilePart[Any], ...]:
    """Every part of the User response: identity's first, then the registered ones."""
    return (EMAILS, PHONES, LOCK, *_REGISTERED.values())


def user_erasers() -> tuple[UserEraser, ...]:
    """The erasers packages registered for deleted users."""
    return tuple(_ERASERS)


def owned_models() -> tuple[type[Base], ...]:
    """Every table that holds rows of users (by `user_id`), apart from the users themselves."""
    return tuple(_OWNED.values())


def build_user_view(user: User, parts: Sequence[ProfilePart[Any]], rows: Sequence[list[Row]]) -> UserView:
    """The User response of `user`, from its rows of each of `parts` (`profile_parts()`, in order)."""
    assert parts[:3] == (EMAILS, PHONES, LOCK), "identity's parts come first"
    view = UserView(user)
    view.emails = EMAILS.build(rows[0], view)
    view.phones = PHONES.build(rows[1], view)
    view.lock = LOCK.build(rows[2], view)
    for part, found in zip(parts[3:], rows[3:], strict=True):
        view.parts[part.name] = part.build(found, view)
    return view
