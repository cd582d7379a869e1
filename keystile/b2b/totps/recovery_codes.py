"""Use cases for members' recovery codes: recover (a code as the second factor, used once), get the
unused codes of the member's verified registration, and rotate them."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.b2b import mfa
from keystile.b2b.members import get_member
from keystile.b2b.sessions import IssuedMemberSession
from keystile.b2b.totps.models import MemberRecoveryCode, MemberTotp
from keystile.b2b.totps.repository import MemberTotpRepository
from keystile.b2b.totps.service import new_recovery_codes, store_recovery_codes
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors import authenticator, authenticator_attempts
from keystile.factors.common import authentication_factor


@dataclass(frozen=True)
class Recovered:
    member: MemberView
    issued: IssuedMemberSession
    remaining: int


@dataclass(frozen=True)
class RecoveryCodes:
    member: MemberView
    codes: list[str]


async def _verified(call: Call, member: MemberView) -> MemberTotp:
    totp = await MemberTotpRepository(call.db, call.project_id).verified(member.member.member_id, call.now)
    if totp is None:
        raise KeystileError("totp_not_found")
    return totp


async def recover(call: Call, request: mfa.SecondFactorRequest, *, recovery_code: str) -> Recovered:
    """Use one of the recovery codes of the member's verified registration as its second factor."""
    canonical = authenticator.imported_recovery_code(recovery_code)
    challenged = await mfa.challenge(call, request, method="totp")
    totp = await _verified(call, challenged.member)
    totps = MemberTotpRepository(call.db, call.project_id)

    async def redeem(digest: str) -> MemberRecoveryCode | None:
        row = await totps.unused_recovery_code(totp.totp_id, digest)
        return row if row is not None and await single_use.redeem(call.db, row, call.now) else None

    member_id = challenged.member.member.member_id
    row = await authenticator_attempts.recover(call, totp, canonical, subject_id=member_id, redeem=redeem)
    factor = authentication_factor(
        "recovery_codes",
        "recovery_code",
        call.now,
        recovery_code_factor={"totp_recovery_code_id": row.recovery_code_id},
    )
    issued = await mfa.complete(call, challenged, factor, request, method="totp")
    remaining = len(await totps.unused_recovery_codes(totp.totp_id))
    return Recovered(challenged.member, issued, remaining)


def _shown(call: Call, rows: list[MemberRecoveryCode]) -> list[str]:
    return [call.keys.cipher.decrypt(row.code_encrypted.encode()).decode() for row in rows]


async def get(call: Call, *, organization_ref: str, member_ref: str) -> RecoveryCodes:
    """The unused recovery codes of the member's verified registration."""
    member = await get_member(call, organization_ref, member_ref=member_ref, email=None)
    totp = await _verified(call, member)
    rows = await MemberTotpRepository(call.db, call.project_id).unused_recovery_codes(totp.totp_id)
    return RecoveryCodes(member, _shown(call, rows))


async def rotate(call: Call, *, organization_ref: str, member_ref: str) -> RecoveryCodes:
    """Replace every recovery code of the member's verified registration with new ones."""
    member = await get_member(call, organization_ref, member_ref=member_ref, email=None)
    totp = await _verified(call, member)
    await MemberTotpRepository(call.db, call.project_id).delete_recovery_codes([totp.totp_id])
    codes = new_recovery_codes()
    store_recovery_codes(call, totp, authenticator_attempts.secret_of(call, totp), codes)
    return RecoveryCodes(member, codes)
