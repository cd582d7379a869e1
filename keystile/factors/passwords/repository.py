"""Queries for passwords and reset tokens of one project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keystile.credentials.imported import StoredHash
from keystile.credentials.policy import PasswordRules, rules_of
from keystile.db import single_use
from keystile.db.project_rows import ProjectScoped
from keystile.factors.passwords.credential_rows import credential_rows
from keystile.factors.passwords.models import PasswordResetToken, UserPassword
from keystile.identity.models import User, UserEmail, UserLock
from keystile.identity.profile import profile_parts
from keystile.identity.views import UserView
from keystile.ids import new_id


def stored_hash(row: UserPassword) -> StoredHash:
    return StoredHash(row.hash_type, row.hash, row.hash_config)


@dataclass(frozen=True)
class Credentials:
    """What checking a password needs, and the user's User response, read in one query by address."""

    email: UserEmail
    user: User
    password: UserPassword | None
    lock: UserLock | None
    rules: PasswordRules
    view: UserView


class PasswordRepository(ProjectScoped):
    """Reads and writes the passwords of one project."""

    async def credentials(self, email: str, now: datetime) -> Credentials | None:
        """The address's user with its password, failure counter, the project's rules and the user's
        User response (as of `now`), in one statement; the email, user and password rows belong to the
        session, as if the ORM had loaded them."""
        rows, statement = credential_rows(profile_parts())
        parameters = {"project_id": self.project_id, "email": email, "now": now}
        found = rows.decode((await self.db.execute(statement, parameters)).all())
        if found is None:
            return None
        user = await self.attached(found.user)
        password = await self.attached(found.password) if found.password is not None else None
        found.view.user = user
        rules = rules_of(found.policy)
        return Credentials(await self.attached(found.email), user, password, found.lock, rules, found.view)

    async def of_user(self, user_id: str) -> UserPassword | None:
        return await self.find_by(UserPassword, user_id=user_id)

    async def set(
        self, user_id: str, stored: StoredHash, *, email_verified: bool, now: datetime
    ) -> UserPassword:
        """Give the user this password, replacing any other; the reset flag is cleared, and every reset
        link the user still holds is used up (it was meant for the password being replaced)."""
        await self.use_up(PasswordResetToken, now, user_id=user_id)
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
