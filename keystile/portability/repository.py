"""Queries of the bulk import and export: which keys a project already has, batched inserts, and the
password rows of a page of users; every call is scoped to one project."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from keystile.db.bulk_writes import copy_rows, prepare_bulk_insert
from keystile.db.project_rows import ProjectScoped
from keystile.factors.passwords.models import UserPassword
from keystile.identity.models import User, UserEmail, UserPhone

# Core tables, not ORM entities: a plain executemany skips the ORM's bulk-insert bookkeeping.
TABLES: dict[str, Any] = {
    "users": User.__table__,
    "emails": UserEmail.__table__,
    "phones": UserPhone.__table__,
    "passwords": UserPassword.__table__,
}


class PortabilityRepository(ProjectScoped):
    """Bulk reads and writes of one project's users."""

    async def taken(
        self, emails: list[str], phones: list[str], external_ids: list[str]
    ) -> tuple[set[str], set[str], set[str]]:
        """Which of these emails, phone numbers and external ids the project already has."""
        found_emails = await self.db.scalars(
            select(UserEmail.email).where(
                UserEmail.project_id == self.project_id, UserEmail.email.in_(emails)
            )
        )
        found_phones = await self.db.scalars(
            select(UserPhone.phone_number).where(
                UserPhone.project_id == self.project_id, UserPhone.phone_number.in_(phones)
            )
        )
        found_external = await self.db.scalars(
            select(User.external_id).where(
                User.project_id == self.project_id, User.external_id.in_(external_ids)
            )
        )
        return set(found_emails), set(found_phones), {e for e in found_external if e is not None}

    async def insert(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """`rows` by `TABLES` name (every column of each), in one COPY per table on PostgreSQL, one
        executemany INSERT per table elsewhere."""
        await prepare_bulk_insert(self.db)
        connection = await self.db.connection()
        for name, table in TABLES.items():
            if not rows.get(name):
                continue
            if connection.dialect.name == "postgresql":
                await copy_rows(connection, table, rows[name])
            else:
                await self.db.execute(insert(table), rows[name])

    async def passwords(self, user_ids: list[str]) -> dict[str, UserPassword]:
        """The password rows of these users, by user id."""
        found = await self.db.scalars(
            select(UserPassword).where(
                UserPassword.project_id == self.project_id, UserPassword.user_id.in_(user_ids)
            )
        )
        return {row.user_id: row for row in found}
