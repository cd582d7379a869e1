"""Use cases for members' TOTP: create a registration (secret, QR code, recovery codes), migrate one
from another system, and authenticate a code as a second factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from keystile.b2b import mfa
from keystile.b2b.members import get_member
from keystile.b2b.sessions import IssuedMemberSession
from keystile.b2b.totps.models import MemberRecoveryCode, MemberTotp
from keystile.b2b.totps.repository import MemberTotpRepository
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors import authenticator, authenticator_attempts
from keystile.factors.common import authentication_factor
from keystile.ids import new_id
from keystile.sessions.types import MemberCredentials

# How long a new member's registration waits for its first code unless asked (Stytch's default).
DEFAULT_EXPIRATION_MINUTES: Final = 60


@dataclass(frozen=True)
class CreatedTotp:
    member: MemberView
    totp_id: str
    secret: str
    qr_code: str
    recovery_codes: list[str]


@dataclass(frozen=True)
class TotpAuthenticated:
    member: MemberView
    issued: IssuedMemberSession


def store_recovery_codes(call: Call, totp: MemberTotp, secret: str, codes: list[str]) -> None:
    """Add `codes` (as shown to the member) to the registration: found by keyed digest, kept encrypted
    so that `recovery_codes.get` can show them again."""
    call.db.add_all(
        MemberRecoveryCode(
            recovery_code_id=new_id("member-recovery-code"),
            project_id=totp.project_id,
            member_id=totp.member_id,
            totp_id=totp.totp_id,
            code_digest=authenticator.recovery_code_digest(
                secret, authenticator.imported_recovery_code(code)
            ),
            code_encrypted=call.keys.cipher.encrypt(code.encode()).decode("ascii"),
            created_at=call.now,
        )
        for code, canonical in zip(codes, map(authenticator.imported_recovery_code, codes), strict=True)
    )


def new_recovery_codes() -> list[str]:
    return [authenticator.new_recovery_code() for _ in range(authenticator.RECOVERY_CODE_COUNT)]


async def _registering(call: Call, organization_ref: str, member_ref: str) -> MemberView:
    """The member a new registration is for, once it has no verified one (its pending ones go)."""
    member = await get_member(call, organization_ref, member_ref=member_ref, email=None)
    totps = MemberTotpRepository(call.db, call.project_id)
    if await totps.verified(member.member.member_id, call.now) is not None:
        raise KeystileError("active_totp_exists")
    await totps.delete_for_member(member.member.member_id, pending_only=True)
    return member


def _registration(call: Call, member: MemberView, secret: str, *, verified: bool, minutes: int) -> MemberTotp:
    row = member.member
    totp = MemberTotp(
        totp_id=new_id("member-totp"),
        project_id=row.project_id,
        organization_id=row.organization_id,
        member_id=row.member_id,
        secret_encrypted=call.keys.cipher.encrypt(secret.encode()).decode("ascii"),
        verified=verified,
        created_at=call.now,
        expires_at=call.now + timedelta(minutes=minutes),
    )
    call.db.add(totp)
    return totp


async def create(
    call: Call,
    *,
    organization_ref: str,
    member_ref: str,
    expiration_minutes: int | None,
    intermediate_session_token: str | None,
    credentials: MemberCredentials,
) -> CreatedTotp:
    """A new pending registration for the member, replacing a pending one; refused while it has a
    verified one. An intermediate session or session, when given, must be the member's; a member not
    active yet may register only with its intermediate session."""
    minutes = authenticator.registration_minutes(expiration_minutes, default=DEFAULT_EXPIRATION_MINUTES)
    request = mfa.SecondFactorRequest(
        organization_ref, member_ref, intermediate_session_token, mfa.session_of(credentials)
    )
    challenged = await mfa.challenge(call, request, method="totp", required=False)
    member = await _registering(call, organization_ref, challenged.member.member.member_id)
    challenged.check_may_enroll()
    if member.member.status != "active" and not intermediate_session_token:
        raise KeystileError("action_available_only_for_active_members")
    secret = authenticator.new_secret()
    totp = _registration(call, member, secret, verified=False, minutes=minutes)
    codes = new_recovery_codes()
    store_recovery_codes(call, totp, secret, codes)
    organization = member.organization.organization
    qr_code = authenticator.provisioning_qr_code(
        secret, account=member.member.email_address, issuer=organization.organization_name
    )
    return CreatedTotp(member, totp.totp_id, secret, qr_code, codes)


async def migrate(
    call: Call, *, organization_ref: str, member_ref: str, secret: str, recovery_codes: list[str]
) -> CreatedTotp:
    """A verified registration with another system's secret and recovery codes (new ones when none)."""
    canonical = authenticator.imported_secret(secret)
    codes = recovery_codes or new_recovery_codes()
    for code in codes:
        authenticator.imported_recovery_code(code)
    member = await _registering(call, organization_ref, member_ref)
    totp = _registration(call, member, canonical, verified=True, minutes=0)
    store_recovery_codes(call, totp, canonical, codes)
    member.member.totp_registration_id, member.member.updated_at = totp.totp_id, call.now
    return CreatedTotp(member, totp.totp_id, canonical, "", codes)


async def authenticate(call: Call, request: mfa.SecondFactorRequest, *, code: str) -> TotpAuthenticated:
    """Accept a code of the member's registration (verifying a pending one) as its second factor."""
    checked = authenticator.check_code(code)
    challenged = await mfa.challenge(call, request, method="totp")
    member = challenged.member.member
    registrations = await MemberTotpRepository(call.db, call.project_id).of_member(member.member_id, call.now)
    if not registrations:
        raise KeystileError("totp_not_found")
    totp = registrations[0]
    await authenticator_attempts.check_code(call, totp, checked, subject_id=member.member_id)
    member.totp_registration_id = totp.totp_id
    factor = authentication_factor(
        "totp", "authenticator_app", call.now, authenticator_app_factor={"totp_id": totp.totp_id}
    )
    issued = await mfa.complete(call, challenged, factor, request, method="totp")
    return TotpAuthenticated(challenged.member, issued)
