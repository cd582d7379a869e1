"""A member's self-serve email update (a magic link or a passcode to the new address, which becomes the
member's once it is authenticated, the old one retired) and unlinking a retired address."""

from __future__ import annotations

from typing import Any, Final, Literal

from sqlalchemy import exists, select

from keystile.b2b.links import Link, send_link
from keystile.b2b.members import acted_on, detailed_view
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import B2BMagicLinkToken, Member, RetiredMemberEmail
from keystile.b2b.otps import sending
from keystile.b2b.otps.models import MemberOtpCode
from keystile.b2b.retired_emails import RetiredEmailRepository, refuse_retired, replace_email
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.types import MemberCredentials

# The kind of the magic links and passcodes that verify a new address.
EMAIL_UPDATE: Final = "email_update"
# Stytch: the link or code expires in 5 minutes, and the address is free for others again.
EMAIL_UPDATE_EXPIRATION_MINUTES: Final = 5
DeliveryMethod = Literal["EMAIL_MAGIC_LINK", "EMAIL_OTP"]


async def _refuse_taken(call: Call, member: Member, email: str) -> None:
    """Refuse (`duplicate_member_email`) an address another member of the organization has, had
    (retired) or is updating to."""
    other = await MemberRepository(call.db, call.project_id).by_email(member.organization_id, email)
    if other is not None:
        raise KeystileError("duplicate_member_email")
    await refuse_retired(call, member.organization_id, email, member_id=member.member_id)
    pending = [
        exists().where(
            table.c.project_id == call.project_id,
            table.c.organization_id == member.organization_id,
            table.c[address] == email,
            table.c.kind == EMAIL_UPDATE,
            table.c.member_id != member.member_id,
            table.c.consumed_at.is_(None),
            table.c.expires_at > call.now,
        )
        for table, address in (
            (B2BMagicLinkToken.__table__, "email_address"),
            (MemberOtpCode.__table__, "destination"),
        )
    ]
    for condition in pending:
        if await call.db.scalar(select(condition)):
            raise KeystileError("duplicate_member_email", "Another member is updating to this email.")


async def start_email_update(
    call: Call,
    organization_ref: str,
    member_ref: str,
    email: object,
    *,
    login_redirect_url: str | None,
    delivery_method: DeliveryMethod | None,
    acting: MemberCredentials | None,
) -> MemberView:
    """Send a magic link (or, by `EMAIL_OTP`, a passcode) to the member's new address; the member's
    address stays as it is until the member authenticates the new one."""
    target = await acted_on(
        call, organization_ref, member_ref, acting, ["update.info.email"], what="Updating the email"
    )
    member = target.member
    if member.status != "active":
        raise KeystileError(
            "action_available_only_for_active_members", "Only an active member may update its email."
        )
    if not member.email_address_verified:
        raise KeystileError("email_verification_required")
    address = normalize_email(email)
    if address == member.email_address:
        raise KeystileError("duplicate_member_email", "This is the member's email address already.")
    await _refuse_taken(call, member, address)
    view = MemberView(member, target.organization)
    if delivery_method == "EMAIL_OTP":
        await sending.issue(call, EMAIL_UPDATE, address, EMAIL_UPDATE_EXPIRATION_MINUTES, view)
    else:
        redirect_url = await resolve_redirect_url(call.db, call.project_id, "login", login_redirect_url)
        await MemberRepository(call.db, call.project_id).use_up(
            B2BMagicLinkToken, call.now, member_id=member.member_id, kind=EMAIL_UPDATE
        )
        link = Link(
            kind=EMAIL_UPDATE,
            email=address,
            redirect_url=redirect_url,
            lifetime_minutes=EMAIL_UPDATE_EXPIRATION_MINUTES,
            organization_id=member.organization_id,
            member_id=member.member_id,
        )
        await send_link(call, link)
    return await detailed_view(call, view)


async def confirm_email_update(call: Call, member: Member, email: str) -> None:
    """The member proved `email` (an email-update link or code): it becomes the member's verified
    address, the old one retired, unless another member took it meanwhile."""
    if member.status != "active":
        raise KeystileError("action_available_only_for_active_members", "The member is no longer active.")
    await _refuse_taken(call, member, email)
    await replace_email(call, member, email)
    member.email_address_verified = True


async def unlink_retired_email(
    call: Call,
    organization_ref: str,
    member_ref: str,
    *,
    email_id: str | None,
    email: object | None,
    acting: MemberCredentials | None,
) -> MemberView:
    """Remove one of the member's retired addresses (named by id, address or both), which frees it for
    the organization's other members."""
    if email_id is None and email is None:
        raise KeystileError("invalid_argument", "Give an email_id or an email_address.")
    target = await acted_on(
        call,
        organization_ref,
        member_ref,
        acting,
        ["update.info.unlink.retired-email"],
        what="Unlinking a retired email",
    )
    member = target.member
    named: dict[str, Any] = {"email_id": email_id} if email_id is not None else {}
    if email is not None:
        named["email_address"] = normalize_email(email)
    repo = RetiredEmailRepository(call.db, call.project_id)
    if await repo.find_by(RetiredMemberEmail, member_id=member.member_id, **named) is None:
        raise KeystileError("email_not_found")
    await repo.delete_by(RetiredMemberEmail, member_id=member.member_id, **named)
    member.updated_at = call.now
    return await detailed_view(call, MemberView(member, target.organization))
