"""Queries for users, emails and phone numbers; every call is scoped to one project."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.clock import SystemClock
from keystile.factors.magic_links.models import MagicLinkToken
from keystile.factors.otp.models import OtpCode
from keystile.factors.passwords.models import PasswordResetToken, UserPassword
from keystile.factors.passwords.repository import attach_credential_state
from keystile.factors.totp.models import Totp, TotpRecoveryCode
from keystile.factors.totp.repository import attach_totps
from keystile.identity.models import User, UserEmail, UserLock, UserPhone
from keystile.identity.views import UserView
from keystile.sessions.models import Session


class UserRepository:
    """Reads and writes consumer users of one project."""

    def __init__(self, session: AsyncSession, project_id: str) -> None:
        self.session = session
        self.project_id = project_id

    def _named(self, ref: str) -> Select[User]:
        """The user whose user_id is `ref` or, as Stytch allows wherever a user_id goes, whose
        external_id is (so apps migrating lazily can keep their own ids); a user_id wins a tie."""
        return (
            select(User)
            .where(User.project_id == self.project_id, or_(User.user_id == ref, User.external_id == ref))
            .order_by((User.user_id == ref).desc())
            .limit(1)
        )

    async def get(self, user_id: str) -> User | None:
        return await self.session.scalar(self._named(user_id))

    async def get_for_update(self, user_id: str) -> User | None:
        return await self.session.scalar(self._named(user_id).with_for_update())

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

    async def views(self, users: Sequence[User], now: datetime | None = None) -> list[UserView]:
        """Each user with its emails, phones, password, lock and TOTPs, in four queries for the whole
        batch."""
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
        views = [UserView(u, emails[u.user_id], phones[u.user_id]) for u in users]
        moment = now or SystemClock().now()
        await attach_credential_state(self.session, self.project_id, views, moment)
        await attach_totps(self.session, self.project_id, views, moment)
        return views

    async def delete_user(self, user_id: str) -> None:
        """Delete a user and everything that belongs to it (no foreign keys cascade for us)."""
        owned = (
            *(UserEmail, UserPhone, Session, MagicLinkToken, UserPassword, PasswordResetToken, UserLock),
            *(OtpCode, Totp, TotpRecoveryCode),
        )
        for table in owned:
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
