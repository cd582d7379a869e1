"""Queries for passwords, reset tokens and locks of one project, and the password/lock state that every
User response carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String, and_, literal, null, select, type_coerce, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db import single_use
from keystile.db.base import UTCDateTime
from keystile.factors.passwords.imported import StoredHash
from keystile.factors.passwords.models import PasswordPolicy, PasswordResetToken, UserPassword
from keystile.factors.passwords.policy import PasswordRules, rules_of
from keystile.identity.models import User, UserEmail, UserLock
from keystile.identity.views import ActiveLock, PasswordSummary, UserView
from keystile.ids import new_id


def requires_reset(flagged: bool, email_verified_when_set: bool, email_verified: bool) -> bool:
    """Flagged for reset, or set on an address someone has verified only since (Stytch's rule against
    pre-hijacked accounts: whoever proved the address must choose the password)."""
    return flagged or (email_verified and not email_verified_when_set)


def stored_hash(row: UserPassword) -> StoredHash:
    return StoredHash(row.hash_type, row.hash, row.hash_config)


@dataclass(frozen=True)
class Credentials:
    """What checking a password needs, read in one query by email address."""

    email: UserEmail
    user: User
    password: UserPassword | None
    lock: UserLock | None
    rules: PasswordRules


class PasswordRepository:
    """Reads and writes the passwords of one project."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def credentials(self, email: str) -> Credentials | None:
        """The address's user with its password, failure counter and the project's rules."""
        same_user = {
            table: and_(table.project_id == UserEmail.project_id, table.user_id == UserEmail.user_id)
            for table in (User, UserPassword, UserLock)
        }
        found = (
            await self.db.execute(
                select(UserEmail, User, UserPassword, UserLock, PasswordPolicy)
                .join(User, same_user[User])
                .outerjoin(UserPassword, same_user[UserPassword])
                .outerjoin(UserLock, same_user[UserLock])
                .outerjoin(PasswordPolicy, PasswordPolicy.project_id == UserEmail.project_id)
                .where(UserEmail.project_id == self.project_id, UserEmail.email == email)
            )
        ).first()
        if found is None:
            return None
        email_row, user, password, lock, policy = found
        return Credentials(email_row, user, password, lock, rules_of(policy))

    async def of_user(self, user_id: str) -> UserPassword | None:
        return await self.db.scalar(
            select(UserPassword).where(
                UserPassword.project_id == self.project_id, UserPassword.user_id == user_id
            )
        )

    async def set(
        self, user_id: str, stored: StoredHash, *, email_verified: bool, now: datetime
    ) -> UserPassword:
        """Give the user this password, replacing any other; the reset flag is cleared, and every reset
        link the user still holds is used up (it was meant for the password being replaced)."""
        await self.db.execute(
            update(PasswordResetToken)
            .where(
                PasswordResetToken.project_id == self.project_id,
                PasswordResetToken.user_id == user_id,
                PasswordResetToken.consumed_at.is_(None),
            )
            .values(consumed_at=now)
            .execution_options(synchronize_session=False)
        )
        row = await self.of_user(user_id)
        if row is None:
            row = UserPassword(
                password_id=new_id("password"), project_id=self.project_id, user_id=user_id, created_at=now
            )
            self.db.add(row)
        self.store_hash(row, stored, now=now)
        row.requires_reset = False
        row.email_verified_when_set = email_verified
        await self.db.flush()
        return row

    def store_hash(self, row: UserPassword, stored: StoredHash, *, now: datetime) -> None:
        """Put `stored` in place of the row's hash (a rehash of the same password changes nothing else)."""
        row.hash_type = stored.hash_type
        row.hash = stored.hash
        row.hash_config = stored.config
        row.updated_at = now

    async def reset_token(self, token: str) -> PasswordResetToken | None:
        return await single_use.find(self.db, PasswordResetToken, self.project_id, token)


async def attach_credential_state(
    db: AsyncSession, project_id: str, views: Sequence[UserView], now: datetime
) -> None:
    """Fill in each view's `password` and active `lock`, in one query for the whole batch."""
    by_id = {view.user.user_id: view for view in views}
    if not by_id:
        return
    passwords = select(
        literal("password", String).label("kind"),
        UserPassword.user_id,
        UserPassword.password_id,
        UserPassword.requires_reset,
        UserPassword.email_verified_when_set,
        type_coerce(null(), UTCDateTime()).label("lock_created_at"),
        type_coerce(null(), UTCDateTime()).label("lock_expires_at"),
    ).where(UserPassword.project_id == project_id, UserPassword.user_id.in_(by_id))
    locks = select(
        literal("lock", String),
        UserLock.user_id,
        type_coerce(null(), String(96)),
        type_coerce(null(), Boolean),
        type_coerce(null(), Boolean),
        UserLock.lock_created_at,
        UserLock.lock_expires_at,
    ).where(UserLock.project_id == project_id, UserLock.user_id.in_(by_id), UserLock.lock_expires_at > now)
    rows: Sequence[Any] = (await db.execute(union_all(passwords, locks))).all()
    for kind, user_id, password_id, flagged, verified_when_set, created, expires in rows:
        view = by_id[user_id]
        if kind == "password":
            email_verified = bool(view.emails) and view.emails[0].verified
            view.password = PasswordSummary(
                password_id=password_id,
                requires_reset=requires_reset(bool(flagged), bool(verified_when_set), email_verified),
            )
        else:
            view.lock = ActiveLock(created_at=created, expires_at=expires)
