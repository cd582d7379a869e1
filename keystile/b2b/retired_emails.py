"""A member's retired email addresses: the ones it used before its current one, shown on the Member
object and unusable by the organization's other members until unlinked."""

from __future__ import annotations

from collections.abc import Sequence

from keystile.b2b.members_repository import rows_by_member
from keystile.b2b.models import Member, RetiredMemberEmail
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.db.project_rows import ProjectScoped
from keystile.errors import KeystileError
from keystile.ids import new_id


class RetiredEmailRepository(ProjectScoped):
    """Reads and writes the retired addresses of one project's members."""

    async def holder(self, organization_id: str, email: str) -> RetiredMemberEmail | None:
        """The retired address `email` of one of the organization's members, if any."""
        return await self.find_by(RetiredMemberEmail, organization_id=organization_id, email_address=email)


async def with_retired_emails(call: Call, views: Sequence[MemberView]) -> None:
    """Set each view's `retired_emails` to its member's retired addresses (one query)."""
    retired = await rows_by_member(call, RetiredMemberEmail, views, "retired_at")
    for view in views:
        view.retired_emails = [
            {"email_id": row.email_id, "email_address": row.email_address}
            for row in retired[view.member.member_id]
        ]


async def refuse_retired(
    call: Call, organization_id: str, email: str, *, member_id: str | None = None
) -> None:
    """Refuse `email` in the organization (`duplicate_member_email`) while a member other than
    `member_id` has it retired: it is theirs until they unlink it."""
    held = await RetiredEmailRepository(call.db, call.project_id).holder(organization_id, email)
    if held is not None and held.member_id != member_id:
        raise KeystileError("duplicate_member_email", "A member of this organization has this email retired.")


async def replace_email(call: Call, member: Member, email: str, *, retire: bool = True) -> None:
    """Give the member the address `email` (free in its organization), keeping its current one as
    retired unless not `retire`; an address of its own it had retired comes back with its id."""
    repo = RetiredEmailRepository(call.db, call.project_id)
    own = await repo.holder(member.organization_id, email)
    email_id = (
        own.email_id if own is not None and own.member_id == member.member_id else new_id("member-email")
    )
    await repo.delete_by(RetiredMemberEmail, member_id=member.member_id, email_address=email)
    if retire:
        call.db.add(
            RetiredMemberEmail(
                email_id=member.email_id,
                project_id=call.project_id,
                organization_id=member.organization_id,
                member_id=member.member_id,
                email_address=member.email_address,
                retired_at=call.now,
            )
        )
    member.email_id, member.email_address, member.updated_at = email_id, email, call.now
