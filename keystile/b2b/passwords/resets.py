"""Members' password resets: by an emailed token, by the existing password, and by a recent member
session, and marking a password as needing one. Each reset sets the new password (the member's, or
its address's with cross-org passwords), enters the organization as a password login does, and ends
the member's other sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from keystile import tokens
from keystile.b2b import intermediate
from keystile.b2b.admission import Entry, enter
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.organizations import organization_view
from keystile.b2b.passwords.models import MemberPasswordResetToken
from keystile.b2b.passwords.repository import MemberPasswordRepository, holder_of
from keystile.b2b.passwords.service import (
    checked_password,
    member_credentials,
    organization_member,
    password_factor,
)
from keystile.b2b.repository import MemberSessionRepository
from keystile.b2b.sessions import IssuedMemberSession, current, start_or_extend
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.credentials.checks import check_new_password, hash_new, recently_authenticated
from keystile.credentials.hashes import Argon2Parameters
from keystile.credentials.policy import PasswordRules, project_rules
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors import links
from keystile.identity import lockout
from keystile.identity.contact import normalize_email
from keystile.ids import new_id
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.types import MemberCredentials, SessionRequest

RESET_EXPIRATION_MINUTES: Final = 30
# The `stytch_token_type` of a B2B reset link (apps route the callback on it).
RESET_TOKEN_TYPE: Final = "multi_tenant_passwords"  # noqa: S105


async def send_reset(
    call: Call,
    *,
    email: str,
    redirect_url: str | None,
    expiration_minutes: int | None,
    code_challenge: str | None,
    member: Member | None,
) -> None:
    """Email a single-use reset link for `member` (or, from discovery, for the address alone)."""
    minutes = links.expiration_minutes(expiration_minutes, RESET_EXPIRATION_MINUTES)
    challenge = tokens.check_challenge(code_challenge)
    url = await resolve_redirect_url(call.db, call.project_id, "reset_password", redirect_url)

    def stored_as(token_digest: str, expires_at: datetime) -> MemberPasswordResetToken:
        return MemberPasswordResetToken(
            token_id=new_id("member-password-reset"),
            project_id=call.project_id,
            token_digest=token_digest,
            email_address=email,
            organization_id=member.organization_id if member is not None else None,
            member_id=member.member_id if member is not None else None,
            code_challenge=challenge,
            created_at=call.now,
            expires_at=expires_at,
        )

    emailed = links.EmailedLink(
        "reset_password", email, url, minutes, token_type=RESET_TOKEN_TYPE, throttle="password_reset_email"
    )
    await links.send(call.db, project_id=call.project_id, link_to=emailed, stored_as=stored_as, now=call.now)


async def require_reset(
    call: Call, *, organization_ref: str, email: object, member_id: str | None
) -> MemberView:
    """Mark the member's password (its address's, with cross-org passwords) as needing a reset: password
    authenticate answers `reset_password` until it is reset by email."""
    organization = await organization_view(call, organization_ref)
    member = await organization_member(call, organization, normalize_email(email))
    if member is None or (member_id is not None and member_id != member.member_id):
        raise KeystileError("member_not_found")
    rules = await project_rules(call.db, call.project_id)
    row = await MemberPasswordRepository(call.db, call.project_id).held_by(
        holder_of(member, cross_org=rules.cross_org_passwords)
    )
    if row is None:
        raise KeystileError("member_password_not_found")
    row.requires_reset = True
    row.updated_at = call.now
    return MemberView(member, organization)


async def reset_start(
    call: Call,
    *,
    organization_ref: str,
    email: object,
    redirect_url: str | None,
    expiration_minutes: int | None,
    code_challenge: str | None,
) -> MemberView:
    """Email the organization's member of this address a link to set a new password."""
    address = normalize_email(email)
    organization = await organization_view(call, organization_ref)
    member = await organization_member(call, organization, address)
    if member is None:
        raise KeystileError("member_not_found")
    await send_reset(
        call,
        email=address,
        redirect_url=redirect_url,
        expiration_minutes=expiration_minutes,
        code_challenge=code_challenge,
        member=member,
    )
    return MemberView(member, organization)


async def redeemable_token(
    call: Call, token: str, code_verifier: str | None, *, discovery: bool
) -> MemberPasswordResetToken:
    """The reset token's row if it can be redeemed (an organization's, or with `discovery` an address's);
    `single_use.redeem` then makes the redemption exclusive. A token of the other family is not found."""
    row = await MemberPasswordRepository(call.db, call.project_id).reset_token(token)
    if row is None or (row.organization_id is None) != discovery or not tokens.usable(row, call.now):
        raise KeystileError("unable_to_auth_password_reset_token")
    tokens.check_pkce(row, code_verifier, issued_as="a reset started")
    return row


async def set_password(
    call: Call, member: Member, password: str, rules: PasswordRules, parameters: Argon2Parameters
) -> None:
    """Give `member` (or its address, with cross-org passwords) the new password."""
    stored = await hash_new(password, parameters)
    passwords = MemberPasswordRepository(call.db, call.project_id)
    holder = holder_of(member, cross_org=rules.cross_org_passwords)
    saved = await passwords.set(holder, member.email_address, stored, now=call.now)
    member.member_password_id, member.updated_at = saved.member_password_id, call.now


async def _entered(
    call: Call, member: MemberView, factors: list[dict[str, Any]], request: SessionRequest, ist: str | None
) -> Entry:
    """`enter` after a new password; every other session of the member ends."""
    presented = await intermediate.presented(call, ist) if ist else None
    entry = await enter(call, member=member, factors=factors, request=request, presented=presented)
    await _end_other_sessions(call, member.member, entry.issued)
    return entry


async def _end_other_sessions(call: Call, member: Member, kept: IssuedMemberSession | None) -> None:
    keep = kept.session.session_id if kept is not None else None
    sessions = MemberSessionRepository(call.db, call.project_id)
    for session in await sessions.of_member(member.organization_id, member.member_id, now=call.now):
        if session.session_id != keep:
            await sessions.delete(session_id=session.session_id)


async def reset_by_email(
    call: Call,
    *,
    token: str,
    password: str,
    code_verifier: str | None,
    request: SessionRequest,
    intermediate_session_token: str | None,
    parameters: Argon2Parameters,
) -> Entry:
    """Redeem an organization's reset token: the new password is set, the member's email verified (the
    link proved it) and any lock lifted, then the member enters the organization."""
    row = await redeemable_token(call, token, code_verifier, discovery=False)
    organization = await organization_view(call, row.organization_id or "")
    member = await MemberRepository(call.db, call.project_id).get(
        organization.organization_id, row.member_id or "", for_update=True
    )
    if member is None or member.status == "deleted" or member.email_address != row.email_address:
        raise KeystileError(
            "unable_to_auth_password_reset_token", "The member of this token was deleted or changed."
        )
    rules = await project_rules(call.db, call.project_id)
    check_new_password(password, rules, member.email_address)
    if not await single_use.redeem(call.db, row, call.now):
        raise KeystileError("unable_to_auth_password_reset_token")
    await set_password(call, member, password, rules, parameters)
    member.email_address_verified = True
    await lockout.unlock(call.db, call.project_id, member.member_password_id or "")
    factors = [password_factor(call.now, member)]
    return await _entered(
        call, MemberView(member, organization), factors, request, intermediate_session_token
    )


async def reset_existing(
    call: Call,
    *,
    organization_ref: str,
    email: object,
    existing_password: str,
    new_password: str,
    request: SessionRequest,
    parameters: Argon2Parameters,
) -> Entry:
    """Replace a password by proving the current one (a password that must be reset cannot be)."""
    address = normalize_email(email)
    found = await member_credentials(call, organization_ref, address)
    check_new_password(new_password, found.rules, address)
    member = await checked_password(call, found, existing_password, parameters)
    await set_password(call, member, new_password, found.rules, parameters)
    factors = [password_factor(call.now)]
    return await _entered(call, MemberView(member, found.organization), factors, request, None)


def _same_organization(organization: OrganizationView, present: MemberView) -> None:
    if present.member.organization_id != organization.organization_id:
        raise KeystileError("session_authorization_tenancy_error")


async def reset_by_session(
    call: Call,
    *,
    organization_ref: str,
    password: str,
    credentials: MemberCredentials,
    request: SessionRequest,
    parameters: Argon2Parameters,
) -> Entry:
    """Set a new password for the member of an active session of the organization that authenticated a
    factor in the last five minutes; the session goes on (with a new token), the others end."""
    organization = await organization_view(call, organization_ref)
    session, present = await current(call, credentials)
    _same_organization(organization, present)
    if not recently_authenticated(session.authentication_factors, call.now):
        raise KeystileError("session_too_old_to_reset_password")
    rules = await project_rules(call.db, call.project_id)
    check_new_password(password, rules, present.member.email_address)
    await set_password(call, present.member, password, rules, parameters)
    extend = SessionRequest(
        duration_minutes=request.duration_minutes,
        session_token=credentials.session_token,
        session_jwt=credentials.session_jwt,
        custom_claims=request.custom_claims,
    )
    issued = await start_or_extend(call, member=present, factors=[], request=extend)
    await _end_other_sessions(call, present.member, issued)
    return Entry(present, issued=issued)
