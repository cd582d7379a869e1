"""Use cases for B2B passcodes: SMS to a member's MFA phone as a second factor (never a primary one),
email to log in to an organization (login_or_signup, authenticate into a session or an intermediate
session) and email discovery (send, authenticate into an intermediate session)."""

from __future__ import annotations

from dataclasses import dataclass

from keystile import tokens
from keystile.b2b import intermediate, member_locks, mfa
from keystile.b2b.admission import Entry, enter
from keystile.b2b.discovery import Discovery, discover
from keystile.b2b.email_updates import EMAIL_UPDATE, confirm_email_update
from keystile.b2b.members import add_member, get_member
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.organizations import organization_view
from keystile.b2b.otps import sending
from keystile.b2b.otps.models import MemberOtpCode
from keystile.b2b.otps.repository import MemberOtpRepository
from keystile.b2b.retired_emails import with_retired_emails
from keystile.b2b.sessions import IssuedMemberSession
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors import passcode_attempts, passcodes
from keystile.factors.common import authentication_factor
from keystile.identity.contact import normalize_email, normalize_phone
from keystile.sessions.types import MemberCredentials, SessionRequest

# Stytch: B2B email passcodes are valid for 10 minutes unless asked otherwise.
EMAIL_EXPIRATION_MINUTES = passcodes.MAX_EXPIRATION_MINUTES


@dataclass(frozen=True)
class SentCode:
    member: MemberView
    member_created: bool = False


@dataclass(frozen=True)
class SmsAuthenticated:
    member: MemberView
    issued: IssuedMemberSession


async def _redeemed(call: Call, row: MemberOtpCode | None, code: object, *, subject_id: str) -> MemberOtpCode:
    if row is None:
        raise KeystileError("otp_code_not_found")
    await passcode_attempts.redeem(call, row, passcodes.check_code(code), subject_id=subject_id)
    return row


async def send_sms(
    call: Call,
    *,
    organization_ref: str,
    member_ref: str,
    mfa_phone_number: str | None,
    intermediate_session_token: str | None,
    credentials: MemberCredentials,
) -> SentCode:
    """Text a code to the member's MFA phone number, or to `mfa_phone_number`, which becomes the
    member's (unverified until a code sent to it is authenticated) when it has none; a member with a
    verified TOTP adds a number only with that proven (`check_may_enroll`)."""
    request = mfa.SecondFactorRequest(
        organization_ref, member_ref, intermediate_session_token, mfa.session_of(credentials)
    )
    challenged = await mfa.challenge(call, request, method="sms_otp", required=False)
    member, row = challenged.member, challenged.member.member
    number = normalize_phone(mfa_phone_number) if mfa_phone_number else row.mfa_phone_number
    if not number:
        raise KeystileError("member_phone_number_not_found")
    if row.mfa_phone_number and number != row.mfa_phone_number:
        raise KeystileError("invalid_argument", "The member has another MFA phone number; delete it first.")
    if number != row.mfa_phone_number:
        challenged.check_may_enroll()
        if row.status != "active" and not intermediate_session_token:
            raise KeystileError("action_available_only_for_active_members")
    await sending.text_code(call, member, number)
    if number != row.mfa_phone_number:
        row.mfa_phone_number, row.updated_at = number, call.now
    return SentCode(member)


async def authenticate_sms(call: Call, request: mfa.SecondFactorRequest, *, code: object) -> SmsAuthenticated:
    """Accept the code texted last to the member as its second factor; its number becomes verified."""
    challenged = await mfa.challenge(call, request, method="sms_otp")
    row = challenged.member.member
    otps = MemberOtpRepository(call.db, call.project_id)
    sent = await _redeemed(
        call, await otps.newest(sending.SMS_KIND, member_id=row.member_id), code, subject_id=row.member_id
    )
    row.mfa_phone_number, row.mfa_phone_number_verified = sent.destination, True
    factor = authentication_factor(
        "otp", "sms", call.now, phone_number_factor={"phone_id": "", "phone_number": sent.destination}
    )
    issued = await mfa.complete(call, challenged, factor, request, method="sms_otp")
    return SmsAuthenticated(challenged.member, issued)


async def login_or_signup(
    call: Call, *, organization_ref: str, email: object, login_minutes: int | None, signup_minutes: int | None
) -> SentCode:
    """Email a code to the organization's member, or to a new pending member when the organization
    provisions members of the address's domain."""
    address = normalize_email(email)
    login = passcodes.expiration_minutes(login_minutes, EMAIL_EXPIRATION_MINUTES)
    signup = passcodes.expiration_minutes(signup_minutes, EMAIL_EXPIRATION_MINUTES)
    organization = await organization_view(call, organization_ref)
    existing = await MemberRepository(call.db, call.project_id).by_email(
        organization.organization_id, address
    )
    if existing is not None and existing.status == "deleted":
        raise KeystileError("member_not_found", "This member was deleted; reactivate it first.")
    member = existing
    if member is None:
        if not organization.admits_by_email_domain(address):
            raise KeystileError("invalid_email_for_jit_provisioning")
        member = await add_member(call, organization, address, status="pending", verified=False)
    view = MemberView(member, organization)
    await sending.issue(
        call, sending.EMAIL_KIND, address, login if member.status == "active" else signup, view
    )
    return SentCode(view, member_created=existing is None)


async def authenticate_email(
    call: Call,
    *,
    organization_ref: str,
    email: object,
    code: object,
    request: SessionRequest,
    intermediate_session_token: str | None,
) -> Entry:
    """Redeem the code emailed last to the organization's member: the member session, or an
    intermediate session when the organization demands more."""
    address = normalize_email(email)
    presented = (
        await intermediate.presented(call, intermediate_session_token) if intermediate_session_token else None
    )
    organization = await organization_view(call, organization_ref)
    otps = MemberOtpRepository(call.db, call.project_id)
    updating = await otps.newest(EMAIL_UPDATE, destination=address)
    if (
        updating is not None
        and updating.organization_id == organization.organization_id
        and updating.member_id
        and tokens.usable(updating, call.now)
    ):
        # A code to a member's new address (`email_updates`): the address becomes the member's.
        member = await get_member(call, organization_ref, member_ref=updating.member_id, email=None)
        member_locks.refuse_locked(member)
        await _redeemed(call, updating, code, subject_id=updating.member_id)
        await confirm_email_update(call, member.member, address)
        await with_retired_emails(call, [member])
    else:
        member = await get_member(call, organization_ref, member_ref=None, email=address)
        member_locks.refuse_locked(member)
        await _redeemed(
            call,
            await otps.newest(sending.EMAIL_KIND, member_id=member.member.member_id),
            code,
            subject_id=member.member.member_id,
        )
    row = member.member
    factor = authentication_factor(
        "otp", "email", call.now, email_factor={"email_id": row.email_id, "email_address": address}
    )
    return await enter(call, member=member, factors=[factor], request=request, presented=presented)


async def send_discovery(call: Call, *, email: object, expiration_minutes: int | None) -> None:
    """Email a discovery code to any address (whether or not it belongs to a member)."""
    address = normalize_email(email)
    minutes = passcodes.expiration_minutes(expiration_minutes, EMAIL_EXPIRATION_MINUTES)
    await sending.issue(call, sending.DISCOVERY_KIND, address, minutes, None)


async def authenticate_discovery(call: Call, *, email: object, code: object) -> Discovery:
    """Redeem a discovery code for an intermediate session and the organizations of its address."""
    address = normalize_email(email)
    otps = MemberOtpRepository(call.db, call.project_id)
    # Wrong codes count against the address (by digest: the lock table keeps ids).
    subject = f"email-{tokens.digest(address)[:40]}"
    await _redeemed(
        call, await otps.newest(sending.DISCOVERY_KIND, destination=address), code, subject_id=subject
    )
    return await discover(call, address, "otp")
