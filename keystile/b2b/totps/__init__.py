"""Members' TOTP authenticator apps (RFC 6238, through the factors kernel) and recovery codes, as
second factors; registers the TOTP as a member factor an admin may delete."""

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.member_factors import MemberFactor, register_member_factor
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.totps.repository import MemberTotpRepository


async def _owner(db: AsyncSession, project_id: str, organization_id: str, member_id: str) -> str | None:
    member = await MemberRepository(db, project_id).get(organization_id, member_id)
    return member.member_id if member is not None and member.totp_registration_id else None


async def _delete(db: AsyncSession, project_id: str, organization_id: str, member_id: str) -> None:
    await MemberTotpRepository(db, project_id).delete_for_member(member_id, pending_only=False)
    member = await MemberRepository(db, project_id).get(organization_id, member_id)
    if member is not None:
        member.totp_registration_id = ""


register_member_factor("totp", MemberFactor(owner=_owner, delete=_delete))
