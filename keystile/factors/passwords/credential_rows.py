"""The one read of a password sign-in: the address's email row joined to its user, password, failure
counter and the project's password policy (the head row), then the rows of each part of the User
response (`identity.profile_rows`), so that the response needs no second read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    FromClause,
    Table,
    and_,
    bindparam,
    null,
    select,
    union_all,
)

from keystile.credentials.models import PasswordPolicy
from keystile.db.base import UTCDateTime, detached
from keystile.factors.passwords.models import UserPassword
from keystile.identity.models import User, UserEmail, UserLock
from keystile.identity.profile import ProfilePart, build_user_view
from keystile.identity.profile_rows import PartRows, part_rows
from keystile.identity.views import UserView

HEAD_MODELS: tuple[type[Any], ...] = (UserEmail, User, UserPassword, UserLock, PasswordPolicy)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True)
class HeadRows:
    """The head row's ORM rows (a model whose columns are all NULL, an outer join's miss, is None)."""

    email: UserEmail
    user: User
    password: UserPassword | None
    lock: UserLock | None
    policy: PasswordPolicy | None
    view: UserView


class CredentialRows:
    """The statement (parameters `project_id`, `email`, `now`) and its decoding, for `parts`' layout."""

    def __init__(self, layout: PartRows[ProfilePart[Any]]) -> None:
        self.layout = layout
        self.tables = [_table(model) for model in HEAD_MODELS]
        self.listed_start = sum(len(table.c) for table in self.tables)

    def statement(self) -> CompoundSelect[Any]:
        emails, users, passwords, locks, policies = self.tables
        address = emails.alias("address")
        now = bindparam("now", type_=UTCDateTime())
        named = and_(address.c.project_id == bindparam("project_id"), address.c.email == bindparam("email"))

        def same_user(table: FromClause) -> ColumnElement[bool]:
            return and_(table.c.project_id == address.c.project_id, table.c.user_id == address.c.user_id)

        head = (
            select(address, users, passwords, locks, policies, *self.layout.empty())
            .select_from(
                address.join(users, same_user(users))
                .outerjoin(passwords, same_user(passwords))
                .outerjoin(locks, same_user(locks))
                .outerjoin(policies, policies.c.project_id == address.c.project_id)
            )
            .where(named)
        )

        def listed(kind: int, part: ProfilePart[Any]) -> Any:
            table = _table(part.model)
            branch = (
                select(*[null()] * self.listed_start, *self.layout.selected(kind))
                .select_from(address.join(table, same_user(table)))
                .where(named)
            )
            return branch if part.where is None else branch.where(part.where(now))

        return union_all(head, *(listed(kind, part) for kind, part in enumerate(self.layout.parts)))

    def decode(self, rows: Sequence[Sequence[Any]]) -> HeadRows | None:
        """The head's rows and the user's view, or None when no row names the address."""
        start = self.listed_start
        head = next((row for row in rows if row[start] is None), None)
        if head is None:
            return None
        found: list[Any] = []
        at = 0
        for model, table in zip(HEAD_MODELS, self.tables, strict=True):
            values = dict(
                zip((str(column.key) for column in table.c), head[at : at + len(table.c)], strict=True)
            )
            at += len(table.c)
            found.append(None if all(value is None for value in values.values()) else detached(model, values))
        email, user, password, lock, policy = found
        parts = self.layout.split((row for row in rows if row is not head), start)
        return HeadRows(email, user, password, lock, policy, build_user_view(user, self.layout.parts, parts))


@cache
def credential_rows(parts: tuple[ProfilePart[Any], ...]) -> tuple[CredentialRows, CompoundSelect[Any]]:
    """The read for `parts` (`profile_parts()`), built once."""
    rows = CredentialRows(part_rows(parts))
    return rows, rows.statement()
