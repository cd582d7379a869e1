"""Queries for members' passwords and their reset tokens, scoped to one project; a password login's one read
(the organization with its view, the member, its password, their locks and the policy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    FromClause,
    and_,
    bindparam,
    case,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b import organization_rows
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.passwords.models import MemberPassword, MemberPasswordResetToken
from keystile.b2b.views import OrganizationView
from keystile.credentials.imported import StoredHash
from keystile.credentials.models import PasswordPolicy
from keystile.credentials.policy import PasswordRules, rules_of
from keystile.db import single_use
from keystile.db.base import detached
from keystile.db.project_rows import ProjectScoped
from keystile.identity.models import UserLock
from keystile.ids import new_id
from keystile.sessions.active_query import table_of


def stored_hash(row: MemberPassword) -> StoredHash:
    return StoredHash(row.hash_type, row.hash, row.hash_config)


def holder_of(member: Member, *, cross_org: bool) -> str:
    """Who holds the member's password: its email address across organizations, or the member itself."""
    return member.email_address if cross_org else member.member_id


HEAD_MODELS: tuple[type[Any], ...] = (Member, MemberPassword, UserLock, UserLock, PasswordPolicy)


@cache
def _credentials() -> tuple[CompoundSelect[Any], int]:
    """The one read of a member's password login (parameters `project_id`, `ref`, `email`) and the width
    of its head, built once: each organization the reference names, with its member of the address,
    the password that member holds (its own, or its address's with cross-org passwords), that
    password's and the member's failure counters and the project's policy; then the organizations'
    parts (`organization_rows.with_parts`)."""
    organizations = organization_rows.ORGANIZATIONS
    members, passwords, policies = table_of(Member), table_of(MemberPassword), table_of(PasswordPolicy)
    locks, member_locks = table_of(UserLock).alias("password_lock"), table_of(UserLock).alias("member_lock")
    cross_org = policies.c.cross_org_passwords == true()
    holder = case((cross_org, members.c.email_address), else_=members.c.member_id)

    def of_the_member(table: FromClause, column: str, owner: ColumnElement[Any]) -> ColumnElement[bool]:
        return and_(table.c.project_id == members.c.project_id, table.c[column] == owner)

    joined = (
        organizations.outerjoin(
            members,
            and_(
                members.c.project_id == organizations.c.project_id,
                members.c.organization_id == organizations.c.organization_id,
                members.c.email_address == bindparam("email"),
            ),
        )
        .outerjoin(policies, policies.c.project_id == organizations.c.project_id)
        .outerjoin(passwords, of_the_member(passwords, "holder", holder))
        .outerjoin(locks, of_the_member(locks, "user_id", passwords.c.member_password_id))
        .outerjoin(member_locks, of_the_member(member_locks, "user_id", members.c.member_id))
    )
    tables = (organizations, members, passwords, locks, member_locks, policies)
    head = (
        select(*(column for table in tables for column in table.c))
        .select_from(joined)
        .where(organization_rows.named_by_reference())
    )
    return organization_rows.with_parts(head), len(head.selected_columns)


def _head_rows(head: Sequence[Any]) -> list[Any]:
    """The head's member, password, locks and policy rows (a model whose columns are all NULL, an
    outer join's miss, is None)."""
    found: list[Any] = []
    at = len(organization_rows.ORGANIZATION_KEYS)
    for model in HEAD_MODELS:
        keys = [str(column.key) for column in table_of(model).c]
        values = dict(zip(keys, head[at : at + len(keys)], strict=True))
        at += len(keys)
        found.append(None if all(value is None for value in values.values()) else detached(model, values))
    return found


@dataclass(frozen=True)
class PasswordCredentials:
    """What checking a member's password needs, and the organization's view, read in one query by
    organization reference and address."""

    organization: OrganizationView
    member: Member | None  # the organization's member of the address, if any (deleted ones too)
    password: MemberPassword | None
    lock: UserLock | None  # the password's failure counter and lock (by member_password_id)
    member_lock: UserLock | None  # the member's own (by member_id: its OTP, TOTP and recovery codes)
    rules: PasswordRules


class MemberPasswordRepository(ProjectScoped):
    """Reads and writes the members' passwords of one project."""

    async def credentials(self, organization_ref: str, email: str) -> PasswordCredentials | None:
        """The organization whose id, slug or external id is `organization_ref`, with its view, its
        member of `email`, the password that member holds, that password's and the member's failure
        counters and the project's rules, in one statement; the member and password rows belong to
        the session, as if the ORM had loaded them. None when no organization is named so."""
        statement, width = _credentials()
        parameters = {"project_id": self.project_id, "ref": organization_ref, "email": email}
        rows = (await self.db.execute(statement, parameters)).all()
        found = organization_rows.HeadAndParts.decode(rows, organization_ref, width)
        if found is None:
            return None
        member, password, lock, member_lock, policy = _head_rows(found.head)
        return PasswordCredentials(
            found.view,
            await self.attached(member) if member is not None else None,
            await self.attached(password) if password is not None else None,
            lock,
            member_lock,
            rules_of(policy),
        )

    async def held_by(self, holder: str) -> MemberPassword | None:
        return await self.find_by(MemberPassword, holder=holder)

    async def by_id(self, member_password_id: str) -> MemberPassword | None:
        return await self.find_by(MemberPassword, member_password_id=member_password_id)

    async def set(self, holder: str, email: str, stored: StoredHash, *, now: datetime) -> MemberPassword:
        """Give `holder` this password, replacing any other; every reset link still out for the address
        is used up (it was meant for the password being replaced), and the members it belongs to show it."""
        await self.use_up(MemberPasswordResetToken, now, email_address=email)
        row = await self.held_by(holder)
        if row is None:
            row = MemberPassword(
                member_password_id=new_id("member-password"),
                project_id=self.project_id,
                holder=holder,
                email_address=email,
                created_at=now,
            )
            self.db.add(row)
        self.store_hash(row, stored, now=now)
        row.requires_reset = False
        await self.db.flush()
        await self._show_on_members(holder, email, row.member_password_id)
        return row

    def store_hash(self, row: MemberPassword, stored: StoredHash, *, now: datetime) -> None:
        row.hash_type, row.hash, row.hash_config = stored.hash_type, stored.hash, stored.config
        row.updated_at = now

    async def delete(self, row: MemberPassword) -> None:
        await self._show_on_members(row.holder, row.email_address, None)
        await self.delete_by(MemberPassword, member_password_id=row.member_password_id)

    async def _show_on_members(self, holder: str, email: str, member_password_id: str | None) -> None:
        """Put the password's id on the member holding it, or on every member of the address."""
        whose = Member.email_address == email if holder == email else Member.member_id == holder
        await self.db.execute(
            update(Member)
            .where(Member.project_id == self.project_id, whose)
            .values(member_password_id=member_password_id)
            .execution_options(synchronize_session="fetch")
        )

    async def reset_token(self, token: str) -> MemberPasswordResetToken | None:
        return await single_use.find(self.db, MemberPasswordResetToken, self.project_id, token)


async def owner_of_password(
    db: AsyncSession, project_id: str, organization_id: str, member_password_id: str
) -> str | None:
    """The id of the organization's member whose password `member_password_id` is (for delete_password)."""
    row = await MemberPasswordRepository(db, project_id).by_id(member_password_id)
    if row is None:
        return None
    member = await MemberRepository(db, project_id).by_email(organization_id, row.email_address)
    holds = member is not None and row.holder in (member.member_id, member.email_address)
    return member.member_id if member is not None and holds else None


async def delete_password(
    db: AsyncSession, project_id: str, organization_id: str, member_password_id: str
) -> None:
    passwords = MemberPasswordRepository(db, project_id)
    row = await passwords.by_id(member_password_id)
    if row is not None:
        await passwords.delete(row)
