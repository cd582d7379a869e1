"""Use cases for members' passwords: authenticate into an organization, strength check, and migrate an
imported hash (adding the member when new). Hashing, strength and lockout are the credentials kernel's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keystile.b2b import intermediate
from keystile.b2b.admission import Entry, enter
from keystile.b2b.members import NewMember, add_member, replace_roles, set_mfa_phone_number
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.organizations import organization_view
from keystile.b2b.passwords.models import MemberPassword
from keystile.b2b.passwords.repository import (
    MemberPasswordRepository,
    PasswordCredentials,
    holder_of,
    stored_hash,
)
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.clock import rfc3339
from keystile.credentials.breaches import is_breached
from keystile.credentials.checks import check_guess, decoy_check, hash_new
from keystile.credentials.hashes import Argon2Parameters, needs_rehash
from keystile.credentials.imported import validate_import
from keystile.credentials.policy import PasswordRules, project_rules
from keystile.errors import CommittedRefusal, KeystileError
from keystile.identity import lockout
from keystile.identity.contact import normalize_email
from keystile.identity.models import UserLock
from keystile.sessions.types import SessionRequest


@dataclass(frozen=True)
class Migrated:
    member: MemberView
    member_created: bool


def password_factor(now: datetime, member: Member | None = None) -> dict[str, Any]:
    """Stytch's password AuthenticationFactor: `knowledge` when typed, `email` after a reset link."""
    stamp = rfc3339(now)
    factor: dict[str, Any] = {
        "type": "password",
        "delivery_method": "knowledge" if member is None else "email",
        "last_authenticated_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
    }
    if member is not None:
        factor["email_factor"] = {"email_id": member.email_id, "email_address": member.email_address}
    return factor


async def organization_member(call: Call, organization: OrganizationView, address: str) -> Member | None:
    """The organization's member of this address, unless deleted."""
    found = await MemberRepository(call.db, call.project_id).by_email(organization.organization_id, address)
    return None if found is None or found.status == "deleted" else found


async def member_credentials(call: Call, organization_ref: str, address: str) -> PasswordCredentials:
    """The organization `organization_ref` (else `organization_not_found`) with its view, its member of
    this address with the password it holds, the password's and the member's locks and the project's
    rules, in one read."""
    repo = MemberPasswordRepository(call.db, call.project_id)
    found = await repo.credentials(organization_ref, address)
    if found is None:
        raise KeystileError("organization_not_found")
    return found


async def checked_password(
    call: Call, found: PasswordCredentials, password: str, parameters: Argon2Parameters
) -> Member:
    """The member of `found` if `password` matches its password (see `checked_row`) and the member is
    not locked; no member (or a deleted one), or none with a password, answers as a wrong password
    does, as slowly."""
    member = found.member
    if member is None or member.status == "deleted" or found.password is None:
        await decoy_check(password, parameters)
        raise KeystileError("unauthorized_credentials")
    if found.member_lock is not None and lockout.is_locked(found.member_lock, call.now):
        raise KeystileError("user_lock_limit_reached")  # a member locked by another factor
    await checked_row(call, found.password, found.lock, password, found.rules, parameters)
    return member


async def checked_row(
    call: Call,
    row: MemberPassword | None,
    lock: UserLock | None,
    password: str,
    rules: PasswordRules,
    parameters: Argon2Parameters,
) -> MemberPassword:
    """`row` if `password` matches it (`check_guess`, counted against the password's `lock`) and needs
    no reset. No password answers as a wrong one does, as slowly."""
    if row is None:
        await decoy_check(password, parameters)
        raise KeystileError("unauthorized_credentials")
    await check_guess(
        call,
        subject_id=row.member_password_id,
        lock=lock,
        stored=stored_hash(row),
        password=password,
        parameters=parameters,
    )
    if row.requires_reset:
        raise CommittedRefusal("reset_password")
    if rules.breach_detection_on_authenticate and is_breached(password):
        row.requires_reset = True
        raise CommittedRefusal("reset_password", "This password has appeared in a data breach: reset it.")
    if needs_rehash(stored_hash(row), parameters):
        passwords = MemberPasswordRepository(call.db, call.project_id)
        passwords.store_hash(row, await hash_new(password, parameters), now=call.now)
    return row


async def authenticate(
    call: Call,
    *,
    organization_ref: str,
    email: object,
    password: str,
    request: SessionRequest,
    intermediate_session_token: str | None,
    parameters: Argon2Parameters,
) -> Entry:
    """Log a member in to an organization by password: a member session, or an intermediate session
    when the organization does not allow passwords (`primary_required`) or wants MFA."""
    address = normalize_email(email)
    found = await member_credentials(call, organization_ref, address)
    member = await checked_password(call, found, password, parameters)
    presented = (
        await intermediate.presented(call, intermediate_session_token) if intermediate_session_token else None
    )
    return await enter(
        call,
        member=MemberView(member, found.organization),
        factors=[password_factor(call.now)],
        request=request,
        presented=presented,
    )


async def migrate(
    call: Call,
    *,
    organization_ref: str,
    email: object,
    hash_type: object,
    hash_text: object,
    hash_config: dict[str, Any] | None,
    new: NewMember,
    phone_verified: bool = False,
    preserve_sessions: bool = False,
) -> Migrated:
    """Give a member (added, active, when the address is new to the organization) an imported password
    hash, verified at its first login and then replaced by argon2id. The address counts as verified;
    the MFA phone number given too when `phone_verified`. A member there already gets the roles
    (`replace_roles`, honouring `preserve_sessions`) and the MFA phone number given; the rest of `new`
    is for a member added."""
    address = normalize_email(email)
    stored = validate_import(hash_type, hash_text, hash_config)
    organization = await organization_view(call, organization_ref)
    rules = await project_rules(call.db, call.project_id)
    repo = MemberRepository(call.db, call.project_id)
    member = await repo.by_email(organization.organization_id, address, for_update=True)
    created = member is None
    if member is None:
        member = await add_member(call, organization, address, status="active", verified=True, new=new)
    elif member.status == "deleted":
        raise KeystileError("member_not_found", "This member was deleted; reactivate it first.")
    passwords = MemberPasswordRepository(call.db, call.project_id)
    holder = holder_of(member, cross_org=rules.cross_org_passwords)
    if await passwords.held_by(holder) is not None:
        raise KeystileError("password_already_exists")
    if not created:
        if new.roles is not None:
            await replace_roles(
                call, organization.organization_id, member, new.roles, preserve_sessions=preserve_sessions
            )
        if new.mfa_phone_number is not None:
            set_mfa_phone_number(member, new.mfa_phone_number)
    if phone_verified and member.mfa_phone_number:
        member.mfa_phone_number_verified = True
    member.email_address_verified, member.updated_at = True, call.now
    member.member_password_id = (
        await passwords.set(holder, address, stored, now=call.now)
    ).member_password_id
    return Migrated(MemberView(member, organization), created)
