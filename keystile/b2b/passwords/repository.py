"""Queries for members' passwords and their reset tokens, scoped to one project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, bindparam, case, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.passwords.models import MemberPassword, MemberPasswordResetToken
from keystile.credentials.imported import StoredHash
from keystile.credentials.models import PasswordPolicy
from keystile.credentials.policy import PasswordRules, rules_of
from keystile.db import single_use
from keystile.db.project_rows import ProjectScoped
from keystile.identity.models import UserLock
from keystile.ids import new_id


def stored_hash(row: MemberPassword) -> StoredHash:
    return StoredHash(row.hash_type, row.hash, row.hash_config)


def holder_of(member: Member, *, cross_org: bool) -> str:
    """Who holds the member's password: its email address across organizations, or the member itself."""
    return member.email_address if cross_org else member.member_id


@cache
def _credentials() -> Select[Member, MemberPassword, UserLock, UserLock, PasswordPolicy]:
    """The one read of a member's password login (parameters `project_id`, `organization_id`, `email`),
    built once."""
    cross_org = PasswordPolicy.cross_org_passwords == true()
    holder = case((cross_org, Member.email_address), else_=Member.member_id)
    same_project = MemberPassword.project_id == Member.project_id
    its_lock = and_(
        UserLock.project_id == Member.project_id, UserLock.user_id == MemberPassword.member_password_id
    )
    member_lock = aliased(UserLock)
    members_lock = and_(member_lock.project_id == Member.project_id, member_lock.user_id == Member.member_id)
    return (
        select(Member, MemberPassword, UserLock, member_lock, PasswordPolicy)
        .outerjoin(PasswordPolicy, PasswordPolicy.project_id == Member.project_id)
        .outerjoin(MemberPassword, and_(same_project, MemberPassword.holder == holder))
        .outerjoin(UserLock, its_lock)
        .outerjoin(member_lock, members_lock)
        .where(
            Member.project_id == bindparam("project_id"),
            Member.organization_id == bindparam("organization_id"),
            Member.email_address == bindparam("email"),
        )
    )


@dataclass(frozen=True)
class PasswordCredentials:
    """What checking a member's password needs, read in one query by organization and address."""

    member: Member
    password: MemberPassword | None
    lock: UserLock | None  # the password's failure counter and lock (by member_password_id)
    member_lock: UserLock | None  # the member's own (by member_id: its OTP, TOTP and recovery codes)
    rules: PasswordRules


class MemberPasswordRepository(ProjectScoped):
    """Reads and writes the members' passwords of one project."""

    async def credentials(self, organization_id: str, email: str) -> PasswordCredentials | None:
        """The organization's member of `email` with the password it holds (its own, or its address's
        with cross-org passwords), that password's and the member's failure counters and the project's
        rules."""
        parameters = {"project_id": self.project_id, "organization_id": organization_id, "email": email}
        found = (await self.db.execute(_credentials(), parameters)).first()
        if found is None:
            return None
        member, password, lock, member_lock, policy = found
        return PasswordCredentials(member, password, lock, member_lock, rules_of(policy))

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
