"""Passwords in discovery (cross-organization passwords only): log in by an address's password, or
reset it by an emailed link, into an intermediate session that lists the address's organizations."""

from __future__ import annotations

from keystile.b2b.discovery import Discovery, discover_with
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.passwords.repository import MemberPasswordRepository
from keystile.b2b.passwords.resets import redeemable_token, send_reset
from keystile.b2b.passwords.service import checked_row, password_factor
from keystile.calls import Call
from keystile.credentials.checks import check_new_password, hash_new
from keystile.credentials.hashes import Argon2Parameters
from keystile.credentials.policy import PasswordRules, project_rules
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors.common import authentication_factor
from keystile.identity import lockout
from keystile.identity.contact import normalize_email


async def cross_org_rules(call: Call) -> PasswordRules:
    """The project's password rules, which must share passwords across organizations."""
    rules = await project_rules(call.db, call.project_id)
    if not rules.cross_org_passwords:
        raise KeystileError("cross_org_passwords_not_enabled")
    return rules


async def authenticate(
    call: Call, *, email: object, password: str, parameters: Argon2Parameters
) -> Discovery:
    """Check the address's password: an intermediate session carrying the password factor, and the
    address's organizations (a password does not prove the address, so none to join by its domain)."""
    address = normalize_email(email)
    rules = await cross_org_rules(call)
    row = await MemberPasswordRepository(call.db, call.project_id).held_by(address)
    lock = await lockout.lock_state(call.db, call.project_id, row.member_password_id) if row else None
    await checked_row(call, row, lock, password, rules, parameters)
    return await discover_with(call, address, password_factor(call.now), proven=False)


async def reset_start(
    call: Call,
    *,
    email: object,
    redirect_url: str | None,
    expiration_minutes: int | None,
    code_challenge: str | None,
) -> None:
    """Email the address a link to set its password (whether or not it belongs to a member, which
    the answer does not tell)."""
    address = normalize_email(email)
    await cross_org_rules(call)
    await send_reset(
        call,
        email=address,
        redirect_url=redirect_url,
        expiration_minutes=expiration_minutes,
        code_challenge=code_challenge,
        member=None,
    )


async def reset(
    call: Call, *, token: str, password: str, code_verifier: str | None, parameters: Argon2Parameters
) -> Discovery:
    """Redeem a discovery reset token: the address's password is set, its members' emails verified
    (the link proved it) and any lock lifted; an intermediate session lists the organizations."""
    rules = await cross_org_rules(call)
    row = await redeemable_token(call, token, code_verifier, discovery=True)
    address = row.email_address
    check_new_password(password, rules, address)
    stored = await hash_new(password, parameters)
    if not await single_use.redeem(call.db, row, call.now):
        raise KeystileError("unable_to_auth_password_reset_token")
    saved = await MemberPasswordRepository(call.db, call.project_id).set(
        address, address, stored, now=call.now
    )
    await lockout.unlock(call.db, call.project_id, saved.member_password_id)
    for member in await MemberRepository(call.db, call.project_id).memberships(address):
        member.email_address_verified = True
    factor = authentication_factor(
        "password", "email", call.now, email_factor={"email_id": "", "email_address": address}
    )
    return await discover_with(call, address, factor, proven=True)
