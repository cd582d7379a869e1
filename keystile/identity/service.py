"""Use cases for consumer users: create, read, update, delete, search, detach emails and phones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.uow import violated_constraint
from keystile.errors import KeystileError
from keystile.identity import search
from keystile.identity.contact import (
    check_external_id,
    check_name,
    normalize_email,
    normalize_phone,
)
from keystile.identity.detach import EMAIL, PHONE, detachable
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.identity.profile import user_erasers
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.metadata import check_metadata
from keystile.search_operands import check_limit, decode_cursor, encode_cursor, parse_search


@dataclass(frozen=True)
class NewUser:
    """What a caller may set when creating a user."""

    email: str | None = None
    phone_number: str | None = None
    name: dict[str, Any] | None = None
    create_user_as_pending: bool = False
    trusted_metadata: dict[str, Any] | None = None
    untrusted_metadata: dict[str, Any] | None = None
    external_id: str | None = None
    roles: list[str] | None = None


@dataclass(frozen=True)
class UserChanges:
    """What a caller may change on a user; None leaves a field as it is."""

    name: dict[str, Any] | None = None
    trusted_metadata: dict[str, Any] | None = None
    untrusted_metadata: dict[str, Any] | None = None
    external_id: str | None = None
    roles: list[str] | None = None


@dataclass(frozen=True)
class SearchPage:
    results: list[UserView]
    total: int
    next_cursor: str | None


def unique_violation(error: IntegrityError) -> KeystileError:
    """The duplicate that a unique index of the users' tables refused, as its Stytch error."""
    text = violated_constraint(error)
    if "external_id" in text:
        return KeystileError("duplicate_user_external_id")
    if "phone" in text:
        return KeystileError("duplicate_phone_number")
    return KeystileError("duplicate_email")


async def create_user(session: AsyncSession, project_id: str, new: NewUser, *, now: datetime) -> UserView:
    """Create a user; its email and phone must be free in the project."""
    repo = UserRepository(session, project_id)
    email = normalize_email(new.email) if new.email is not None else None
    phone = normalize_phone(new.phone_number) if new.phone_number is not None else None
    name = check_name(new.name or {})
    external_id = check_external_id(new.external_id) if new.external_id is not None else None
    if email is not None and await repo.email_owner(email) is not None:
        raise KeystileError("duplicate_email")
    if phone is not None and await repo.phone_owner(phone) is not None:
        raise KeystileError("duplicate_phone_number")
    if external_id is not None and await repo.external_id_owner(external_id) is not None:
        raise KeystileError("duplicate_user_external_id")
    user = User(
        user_id=new_id("user"),
        project_id=project_id,
        status="pending" if new.create_user_as_pending else "active",
        first_name=name["first_name"],
        middle_name=name["middle_name"],
        last_name=name["last_name"],
        external_id=external_id,
        trusted_metadata=check_metadata(new.trusted_metadata),
        untrusted_metadata=check_metadata(new.untrusted_metadata),
        roles=list(new.roles or []),
        created_at=now,
    )
    view = UserView(user)
    session.add(user)
    if email is not None:
        view.emails.append(
            UserEmail(
                email_id=new_id("email"),
                project_id=project_id,
                user_id=user.user_id,
                email=email,
                verified=False,
                created_at=now,
            )
        )
    if phone is not None:
        view.phones.append(
            UserPhone(
                phone_id=new_id("phone-number"),
                project_id=project_id,
                user_id=user.user_id,
                phone_number=phone,
                verified=False,
                created_at=now,
            )
        )
    session.add_all([*view.emails, *view.phones])
    try:
        await session.flush()
    except IntegrityError as error:
        # Another request took the same email, phone or external id between check and insert.
        raise unique_violation(error) from error
    return view


async def existing_user(
    session: AsyncSession, project_id: str, user_id: str, *, for_update: bool = False
) -> User:
    """The project's user named by id or external id (locked for this unit of work when `for_update`),
    else user_not_found."""
    repo = UserRepository(session, project_id)
    user = await (repo.get_for_update(user_id) if for_update else repo.get(user_id))
    if user is None:
        raise KeystileError("user_not_found")
    return user


async def get_user(session: AsyncSession, project_id: str, user_id: str, *, now: datetime) -> UserView:
    user = await existing_user(session, project_id, user_id)
    return (await UserRepository(session, project_id).views([user], now))[0]


async def update_user(
    session: AsyncSession, project_id: str, user_id: str, changes: UserChanges, *, now: datetime
) -> UserView:
    repo = UserRepository(session, project_id)
    user = await repo.get_for_update(user_id)
    if user is None:
        raise KeystileError("user_not_found")
    if changes.name is not None:
        name = check_name(changes.name)
        user.first_name = name["first_name"]
        user.middle_name = name["middle_name"]
        user.last_name = name["last_name"]
    if changes.trusted_metadata is not None:
        user.trusted_metadata = check_metadata(changes.trusted_metadata)
    if changes.untrusted_metadata is not None:
        user.untrusted_metadata = check_metadata(changes.untrusted_metadata)
    if changes.roles is not None:
        user.roles = list(changes.roles)
    if changes.external_id is not None and changes.external_id != user.external_id:
        external_id = check_external_id(changes.external_id)
        if await repo.external_id_owner(external_id) is not None:
            raise KeystileError("duplicate_user_external_id")
        user.external_id = external_id
    try:
        await session.flush()
    except IntegrityError as error:
        raise unique_violation(error) from error
    return (await repo.views([user], now))[0]


async def delete_user(session: AsyncSession, project_id: str, user_id: str) -> str:
    """Delete the user with this id (or external id) and all it owns; its user_id."""
    repo = UserRepository(session, project_id)
    user = await repo.get_for_update(user_id)
    if user is None:
        raise KeystileError("user_not_found")
    await repo.delete_user(user.user_id)
    for erase in user_erasers():
        await erase(session, project_id, user.user_id)
    return user.user_id


async def detach_factor(
    session: AsyncSession, project_id: str, kind: str, factor_id: str, *, now: datetime
) -> UserView:
    """Detach the registration `factor_id` of the factor `kind` (an email, a phone number, a password,
    a TOTP, ...: `identity.detach`) from its user; the user as it is now."""
    factor = detachable(kind)
    owner = await UserRepository(session, project_id).detach(factor, factor_id)
    if owner is None:
        raise KeystileError(factor.not_found)
    await session.flush()
    return await get_user(session, project_id, owner, now=now)


async def delete_external_id(
    session: AsyncSession, project_id: str, user_id: str, *, now: datetime
) -> UserView:
    """Remove the user's external id (the user keeps every other field)."""
    repo = UserRepository(session, project_id)
    user = await repo.get_for_update(user_id)
    if user is None:
        raise KeystileError("user_not_found")
    await repo.clear_external_id(user)
    return (await repo.views([user], now))[0]


async def exchange_primary_factor(
    session: AsyncSession,
    project_id: str,
    user_id: str,
    *,
    email: str | None,
    phone_number: str | None,
    now: datetime,
) -> UserView:
    """Replace the user's one email address or phone number with `email` or `phone_number` (either
    kind for either), added unverified; refused when the user has more than one of them."""
    if (email is None) == (phone_number is None):
        raise KeystileError("invalid_argument", "Include exactly one of email_address and phone_number.")
    contact: UserEmail | UserPhone = (
        UserEmail(email_id=new_id("email"), email=normalize_email(email))
        if email is not None
        else UserPhone(phone_id=new_id("phone-number"), phone_number=normalize_phone(str(phone_number)))
    )
    repo = UserRepository(session, project_id)
    user = await repo.get_for_update(user_id)
    if user is None:
        raise KeystileError("user_not_found")
    [view] = await repo.views([user], now)
    current: list[UserEmail | UserPhone] = [*view.emails, *view.phones]
    if len(current) != 1:
        raise KeystileError("exchange_requires_one_factor")
    [old] = current
    if isinstance(old, UserEmail):
        await repo.detach(EMAIL, old.email_id)
    else:
        await repo.detach(PHONE, old.phone_id)
    await session.flush()
    await add_unverified_contact(session, (project_id, user.user_id), contact, now)
    return (await repo.views([user], now))[0]


async def search_users(
    session: AsyncSession,
    project_id: str,
    *,
    query: dict[str, Any] | None,
    cursor: str | None,
    limit: int | None,
    now: datetime,
) -> SearchPage:
    """A page of users matching `query`, with a cursor for the next page when there is one."""
    repo = UserRepository(session, project_id)
    page_size = check_limit(limit)
    users, total = await repo.search(
        parse_search(query, search.FILTERS), after=decode_cursor(cursor), limit=page_size + 1
    )
    last = users[page_size - 1] if len(users) > page_size else None
    next_cursor = encode_cursor(last.created_at, last.user_id) if last is not None else None
    return SearchPage(await repo.views(users[:page_size], now), total, next_cursor)


async def add_unverified_contact(
    session: AsyncSession, owner: tuple[str, str], contact: UserEmail | UserPhone, now: datetime
) -> None:
    """Give the user `owner` (project id, user id) `contact` (its id, and its address or number), added
    unverified; refused as a duplicate when another user holds it already."""
    contact.project_id, contact.user_id = owner
    contact.verified = False
    contact.created_at = now
    session.add(contact)
    try:
        await session.flush()
    except IntegrityError as error:
        raise KeystileError(
            "duplicate_email" if isinstance(contact, UserEmail) else "duplicate_phone_number"
        ) from error
