"""Queries for users, emails and phone numbers; every call is scoped to one project."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, union_all

from keystile.db.base import Base
from keystile.db.pages import Position
from keystile.db.project_rows import ProjectScoped, matching
from keystile.identity.detach import Detachable
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.identity.profile import build_user_view, owned_models, profile_parts
from keystile.identity.profile_rows import part_rows
from keystile.identity.views import UserView

# Search pages run in creation order, ties broken by id.
USER_ORDER = (User.created_at, User.user_id)


class UserRepository(ProjectScoped):
    """Reads and writes consumer users of one project."""

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
        return await self.db.scalar(self._named(user_id))

    async def get_for_update(self, user_id: str) -> User | None:
        return await self.db.scalar(self._named(user_id).with_for_update())

    async def email_owner(self, email: str) -> UserEmail | None:
        return await self.find_by(UserEmail, email=email)

    async def phone_owner(self, phone_number: str) -> UserPhone | None:
        return await self.find_by(UserPhone, phone_number=phone_number)

    async def external_id_owner(self, external_id: str) -> User | None:
        return await self.find_by(User, external_id=external_id)

    async def get_email(self, email_id: str) -> UserEmail | None:
        return await self.find_by(UserEmail, email_id=email_id)

    async def get_phone(self, phone_id: str) -> UserPhone | None:
        return await self.find_by(UserPhone, phone_id=phone_id)

    async def detach(self, factor: Detachable, factor_id: str) -> str | None:
        """Delete the registration `factor_id` of `factor` and its dependants; the user_id it belonged
        to, or None when the project has no such registration."""
        named = {factor.id_column: factor_id}
        mine = matching(factor.model, self.project_id, **named)
        owner = await self.db.scalar(select(factor.model.__table__.c.user_id).where(*mine).with_for_update())
        if owner is None:
            return None
        for model in (*factor.dependants, factor.model):
            await self.delete_by(model, **named)
        return str(owner)

    async def clear_external_id(self, user: User) -> None:
        user.external_id = None
        await self.db.flush()

    async def views(self, users: Sequence[User], now: datetime) -> list[UserView]:
        """Each user's User response, its parts read in one query for the whole batch."""
        parts = profile_parts()
        layout = part_rows(parts)
        ids = [user.user_id for user in users]
        rows: dict[str, list[Any]] = {user_id: [] for user_id in ids}
        if ids:
            branches = []
            for kind, part in enumerate(parts):
                table = part.model.__table__
                branch = select(table.c.user_id, *layout.selected(kind)).where(
                    table.c.project_id == self.project_id, table.c.user_id.in_(ids)
                )
                branches.append(branch if part.where is None else branch.where(part.where(now)))
            for row in await self.db.execute(union_all(*branches)):
                rows[row[0]].append(row)
        return [build_user_view(user, parts, layout.split(rows[user.user_id], 1)) for user in users]

    async def delete_user(self, user_id: str) -> None:
        """Delete a user and every row it owns, in the tables registered as holding users' rows
        (`identity.profile`). Not foreign keys with ON DELETE CASCADE: Vitess (PlanetScale) enforces
        none, and the registry keeps identity from naming the factors' tables."""
        models: tuple[type[Base], ...] = (*owned_models(), User)
        for model in models:
            await self.delete_by(model, user_id=user_id)

    async def search(
        self, conditions: list[ColumnElement[bool]], *, after: Position, limit: int
    ) -> tuple[list[User], int]:
        """One page of users matching all `conditions`, in creation order, and the total."""
        return await self.page(User, conditions, USER_ORDER, after, limit)
