"""Queries for users, emails and phone numbers; every call is scoped to one project."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.factors.magic_links.models import MagicLinkToken
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.identity.views import UserView
from keystile.sessions.models import Session


class UserRepository:
    """Reads and writes consumer users of one project."""

    def __init__(self, session: AsyncSession, project_id: str) -> None:
        self.session = session
        self.project_id = project_id

    async def get(self, user_id: str) -> User | None:
        return await self.session.scalar(
            select(User).where(User.project_id == self.project_id, User.user_id == user_id)
        )

    async def get_for_update(self, user_id: str) -> User | None:
        return await self.session.scalar(
            select(User).where(User.project_id == self.project_id, User.user_id == user_id).with_for_update()
        )

    async def email_owner(self, email: str) -> UserEmail | None:
        return await self.session.scalar(
            select(UserEmail).where(UserEmail.project_id == self.project_id, UserEmail.email == email)
        )

    async def phone_owner(self, phone_number: str) -> UserPhone | None:
        return await self.session.scalar(
            select(UserPhone).where(
                UserPhone.project_id == self.project_id, UserPhone.phone_number == phone_number
            )
        )

    async def external_id_owner(self, external_id: str) -> User | None:
        return await self.session.scalar(
            select(User).where(User.project_id == self.project_id, User.external_id == external_id)
        )

    async def get_email(self, email_id: str) -> UserEmail | None:
        return await self.session.scalar(
            select(UserEmail).where(UserEmail.project_id == self.project_id, UserEmail.email_id == email_id)
        )

    async def get_phone(self, phone_id: str) -> UserPhone | None:
        return await self.session.scalar(
            select(UserPhone).where(UserPhone.project_id == self.project_id, UserPhone.phone_id == phone_id)
        )

    async def views(self, users: Sequence[User]) -> list[UserView]:
        """Each user with its emails and phones, in two queries for the whole batch."""
        ids = [user.user_id for user in users]
        emails: dict[str, list[UserEmail]] = defaultdict(list)
        phones: dict[str, list[UserPhone]] = defaultdict(list)
        if ids:
            for email in await self.session.scalars(
                select(UserEmail)
                .where(UserEmail.project_id == self.project_id, UserEmail.user_id.in_(ids))
                .order_by(UserEmail.created_at, UserEmail.email_id)
            ):
                emails[email.user_id].append(email)
            for phone in await self.session.scalars(
                select(UserPhone)
                .where(UserPhone.project_id == self.project_id, UserPhone.user_id.in_(ids))
                .order_by(UserPhone.created_at, UserPhone.phone_id)
            ):
                phones[phone.user_id].append(phone)
        return [UserView(u, emails[u.user_id], phones[u.user_id]) for u in users]

    async def delete_user(self, user_id: str) -> None:
        """Delete a user and everything that belongs to it (no foreign keys cascade for us)."""
        for table in (UserEmail, UserPhone, Session, MagicLinkToken):
            await self.session.execute(
                delete(table).where(table.project_id == self.project_id, table.user_id == user_id)
            )
        await self.session.execute(
            delete(User).where(User.project_id == self.project_id, User.user_id == user_id)
        )

    async def search(
        self,
        conditions: list[ColumnElement[bool]],
        *,
        after: tuple[object, str] | None,
        limit: int,
    ) -> tuple[list[User], int]:
        """One page of users matching all `conditions`, in creation order, and the total."""
        base = [User.project_id == self.project_id, *conditions]
        total = await self.session.scalar(select(func.count()).select_from(User).where(*base))
        query = select(User).where(*base)
        if after is not None:
            created_at, user_id = after
            query = query.where(
                (User.created_at > created_at) | ((User.created_at == created_at) & (User.user_id > user_id))
            )
        page = await self.session.scalars(query.order_by(User.created_at, User.user_id).limit(limit))
        return list(page.all()), int(total or 0)
