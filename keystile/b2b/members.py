"""Use cases for members: create, read (by id, external id or email), update, delete, reactivate,
search; and `add_member`, which every way of joining an organization goes through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b import erasure, member_locks, permissions, policy, search
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.oauth_registrations import forget_member, with_oauth_registrations
from keystile.b2b.organizations import administered_organization, organization_view
from keystile.b2b.organizations_repository import OrganizationRepository
from keystile.b2b.repository import MemberSessionRepository
from keystile.b2b.retired_emails import refuse_retired, replace_email, with_retired_emails
from keystile.b2b.sessions import acting_member
from keystile.b2b.sso.registrations import with_sso_registrations
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.db.uow import violated_constraint
from keystile.errors import KeystileError
from keystile.identity.contact import check_external_id, normalize_email, normalize_phone
from keystile.ids import new_id
from keystile.metadata import check_metadata
from keystile.rbac.defaults import MEMBER
from keystile.rbac.service import check_role_ids
from keystile.search_operands import check_limit, decode_cursor, encode_cursor, parse_search
from keystile.sessions.types import MemberCredentials
from keystile.text import has_control_characters

NAME_MAX = 256
MFA_DEFAULTS = ("", "sms_otp", "totp")
MAX_SEARCH_ORGANIZATIONS = 100


@dataclass(frozen=True)
class NewMember:
    """What a caller may set when creating or inviting a member."""

    name: str | None = None
    trusted_metadata: dict[str, Any] | None = None
    untrusted_metadata: dict[str, Any] | None = None
    is_breakglass: bool = False
    mfa_phone_number: str | None = None
    mfa_enrolled: bool = False
    roles: list[str] | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class MemberChanges:
    """What a caller may change on a member; None leaves a field as it is."""

    name: str | None = None
    trusted_metadata: dict[str, Any] | None = None
    untrusted_metadata: dict[str, Any] | None = None
    is_breakglass: bool | None = None
    mfa_phone_number: str | None = None
    mfa_enrolled: bool | None = None
    roles: list[str] | None = None
    default_mfa_method: str | None = None
    email_address: str | None = None
    external_id: str | None = None

    def given(self) -> list[str]:
        """The names of the fields this change sets."""
        return [field.name for field in fields(self) if getattr(self, field.name) is not None]


@dataclass(frozen=True)
class MemberPage:
    members: list[MemberView]
    organizations: list[OrganizationView]
    total: int
    next_cursor: str | None


def _check_name(name: str) -> str:
    if len(name) > NAME_MAX or has_control_characters(name):
        raise KeystileError(
            "invalid_name", f"name must be at most {NAME_MAX} characters without control characters."
        )
    return name


async def _checked_roles(call: Call, organization_id: str, roles: list[str]) -> list[str]:
    """The roles to assign explicitly: each defined by the project's policy or the organization's
    custom roles (`invalid_rbac_role_id`); `stytch_member` is every member's already."""
    if len(roles) > policy.LIST_MAX:
        raise KeystileError("invalid_argument", f"At most {policy.LIST_MAX} roles.")
    explicit = [policy.check_role_id(role) for role in dict.fromkeys(roles) if role != policy.MEMBER_ROLE]
    if any(role != policy.ADMIN_ROLE for role in explicit):  # Stytch's roles are in every policy
        in_force = await call.policies.policy(call.db, call.project_id, "b2b", organization_id)
        check_role_ids(in_force, explicit)
    return explicit


async def replace_roles(
    call: Call, organization_id: str, member: Member, roles: list[str], *, preserve_sessions: bool
) -> None:
    """Assign exactly `roles` explicitly. A role taken away that an SSO connection (or its group) also
    grants ends the member's sessions with an SSO factor of that connection, unless `preserve_sessions`
    (Stytch's `preserve_existing_sessions`)."""
    explicit = await _checked_roles(call, organization_id, roles)
    removed = set(member.roles) - set(explicit)
    member.roles = explicit
    affected = {
        source["details"]["connection_id"]
        for source in member.sso_role_sources or []
        if source["role_id"] in removed
    }
    if affected and not preserve_sessions:
        await MemberSessionRepository(call.db, call.project_id).delete_with_sso_factors(
            member.member_id, affected
        )


def set_mfa_phone_number(member: Member, number: str) -> None:
    """Give the member this MFA phone number ("" for none), unverified."""
    member.mfa_phone_number = normalize_phone(number) if number else ""
    member.mfa_phone_number_verified = False


def _duplicate_external_id() -> KeystileError:
    return KeystileError("duplicate_member_external_id")


def _unique_violation(error: IntegrityError) -> KeystileError:
    if "external_id" in violated_constraint(error):
        return _duplicate_external_id()
    return KeystileError("duplicate_member_email")


async def _flush(db: AsyncSession) -> None:
    try:
        await db.flush()
    except IntegrityError as error:
        # Another request took the same email or external id between check and write.
        raise _unique_violation(error) from error


async def add_member(
    call: Call,
    organization: OrganizationView,
    email: str,
    *,
    status: str,
    verified: bool,
    new: NewMember | None = None,
) -> Member:
    """Add `email` (normalised) to the organization; the address and external id must be free in it."""
    db, now = call.db, call.now
    new = new or NewMember()
    project_id = organization.organization.project_id
    repo = MemberRepository(db, project_id)
    if await repo.by_email(organization.organization_id, email) is not None:
        raise KeystileError("duplicate_member_email")
    await refuse_retired(call, organization.organization_id, email)
    roles = await _checked_roles(call, organization.organization_id, new.roles or [])
    external_id = check_external_id(new.external_id) if new.external_id is not None else None
    if external_id is not None and await repo.external_id_owner(organization.organization_id, external_id):
        raise _duplicate_external_id()
    member = Member(
        member_id=new_id("member"),
        project_id=project_id,
        organization_id=organization.organization_id,
        email_id=new_id("member-email"),
        email_address=email,
        email_address_verified=verified,
        status=status,
        name=_check_name(new.name or ""),
        is_breakglass=new.is_breakglass,
        mfa_enrolled=new.mfa_enrolled,
        mfa_phone_number=normalize_phone(new.mfa_phone_number) if new.mfa_phone_number else "",
        mfa_phone_number_verified=False,
        default_mfa_method="",
        external_id=external_id,
        roles=roles,
        trusted_metadata=check_metadata(new.trusted_metadata),
        untrusted_metadata=check_metadata(new.untrusted_metadata),
        created_at=now,
        updated_at=now,
    )
    db.add(member)
    await _flush(db)
    return member


async def _member(
    call: Call, organization: OrganizationView, ref: str, *, for_update: bool = False
) -> Member:
    member = await MemberRepository(call.db, organization.organization.project_id).get(
        organization.organization_id, ref, for_update=for_update
    )
    if member is None or member.status == "deleted":
        raise KeystileError("member_not_found")
    return member


async def create_member(
    call: Call,
    organization_ref: str,
    email: object,
    new: NewMember,
    *,
    pending: bool,
    acting: MemberCredentials | None,
) -> MemberView:
    organization = await administered_organization(
        call, organization_ref, acting, MEMBER, [permissions.CREATE], what="Creating a member"
    )
    status = "pending" if pending else "active"
    member = await add_member(
        call, organization, normalize_email(email), status=status, verified=False, new=new
    )
    return MemberView(member, organization)


async def get_member(
    call: Call, organization_ref: str, *, member_ref: str | None, email: object | None
) -> MemberView:
    """The member named by id (or external id) or by email address, with its lock."""
    organization = await organization_view(call, organization_ref)
    if member_ref:
        found: Member | None = await _member(call, organization, member_ref)
    elif email is None:
        raise KeystileError("invalid_argument", "Give a member_id or an email_address.")
    else:
        found = await MemberRepository(call.db, call.project_id).by_email(
            organization.organization_id, normalize_email(email)
        )
    if found is None or found.status == "deleted":
        raise KeystileError("member_not_found")
    return await detailed_view(call, MemberView(found, organization))


async def detailed_view(call: Call, view: MemberView) -> MemberView:
    """The view with its member's lock, retired addresses, SSO and OAuth registrations looked up."""
    await _look_up_details(call, [view])
    return view


async def _look_up_details(call: Call, views: list[MemberView]) -> None:
    """The members' locks, retired addresses, SSO and OAuth registrations, for the Member objects shown."""
    await member_locks.with_locks(call, views)
    await with_retired_emails(call, views)
    await with_sso_registrations(call, views)
    await with_oauth_registrations(call, views)


async def dangerously_get_member(call: Call, member_id: str, *, include_deleted: bool) -> MemberView:
    """A member by id alone, in whichever organization it is."""
    member = await MemberRepository(call.db, call.project_id).get_anywhere(member_id)
    if member is None or (member.status == "deleted" and not include_deleted):
        raise KeystileError("member_not_found")
    return await detailed_view(
        call, MemberView(member, await organization_view(call, member.organization_id))
    )


@dataclass(frozen=True)
class ActedOn:
    """A member a call changes, with its organization."""

    organization: OrganizationView
    member: Member


async def acted_on(
    call: Call,
    organization_ref: str,
    member_ref: str,
    acting: MemberCredentials | None,
    actions: Iterable[str | None],
    *,
    what: str,
) -> ActedOn:
    """The member a change names (held for update), once the acting member session (if any) is found
    to belong to its organization and may take each of `actions` on it."""
    organization = await organization_view(call, organization_ref)
    member = await _member(call, organization, member_ref, for_update=True)
    actor = await acting_member(call, acting, organization.organization_id)
    if actor is not None:
        actor.require_on_member(member.member_id, actions, what=what)
    return ActedOn(organization, member)


async def update_member(
    call: Call,
    organization_ref: str,
    member_ref: str,
    changes: MemberChanges,
    *,
    acting: MemberCredentials | None,
    unlink_email: bool = False,
) -> MemberView:
    """Apply `changes`; a new email address retires the old one (deletes it, with `unlink_email`)."""
    db, project_id = call.db, call.project_id
    actions = permissions.member_actions(changes.given())
    target = await acted_on(call, organization_ref, member_ref, acting, actions, what="Updating the member")
    organization, member = target.organization, target.member
    if changes.roles is not None:
        member.roles = await _checked_roles(call, organization.organization_id, changes.roles)
    repo = MemberRepository(db, project_id)
    if changes.name is not None:
        member.name = _check_name(changes.name)
    if changes.trusted_metadata is not None:
        member.trusted_metadata = check_metadata(changes.trusted_metadata)
    if changes.untrusted_metadata is not None:
        member.untrusted_metadata = check_metadata(changes.untrusted_metadata)
    if changes.is_breakglass is not None:
        member.is_breakglass = changes.is_breakglass
    if changes.mfa_enrolled is not None:
        member.mfa_enrolled = changes.mfa_enrolled
    if changes.mfa_phone_number is not None:
        set_mfa_phone_number(member, changes.mfa_phone_number)
    if changes.default_mfa_method is not None:
        if changes.default_mfa_method not in MFA_DEFAULTS:
            raise KeystileError("invalid_argument", "default_mfa_method is 'sms_otp' or 'totp'.")
        member.default_mfa_method = changes.default_mfa_method
    if changes.email_address is not None:
        email = normalize_email(changes.email_address)
        if email != member.email_address:
            if await repo.by_email(organization.organization_id, email) is not None:
                raise KeystileError("duplicate_member_email")
            await refuse_retired(call, organization.organization_id, email, member_id=member.member_id)
            await replace_email(call, member, email, retire=not unlink_email)
            # Unproven until the member logs in with it; the sessions' email factors proved the old one.
            member.email_address_verified = False
            await MemberSessionRepository(db, project_id).delete_for_member(member.member_id)
    if changes.external_id is not None and changes.external_id != member.external_id:
        external_id = check_external_id(changes.external_id)
        if await repo.external_id_owner(organization.organization_id, external_id) is not None:
            raise _duplicate_external_id()
        member.external_id = external_id
    member.updated_at = call.now
    await _flush(db)
    return await detailed_view(call, MemberView(member, organization))


async def delete_member(
    call: Call, organization_ref: str, member_ref: str, *, acting: MemberCredentials | None
) -> str:
    """Delete the member (`mark_deleted`); its id."""
    deleted = await acted_on(
        call, organization_ref, member_ref, acting, [permissions.DELETE], what="Deleting the member"
    )
    member = deleted.member
    member.updated_at = call.now
    await mark_deleted(call, member)
    return member.member_id


async def mark_deleted(call: Call, member: Member) -> None:
    """Mark the member deleted: its sessions end, its outstanding links stop working at once, its OAuth
    registrations (with their tokens) go, and what other packages keep of it (Connected Apps grants
    and tokens) is erased."""
    member.status = "deleted"
    await MemberSessionRepository(call.db, call.project_id).delete_for_member(member.member_id)
    await MemberRepository(call.db, call.project_id).retire_links(member.member_id, call.now)
    await forget_member(call, member.member_id)
    await erasure.erase_member(call.db, call.project_id, member.member_id)


async def delete_member_external_id(
    call: Call, organization_ref: str, member_ref: str, *, acting: MemberCredentials | None
) -> MemberView:
    """Clear the member's external id."""
    actions = permissions.member_actions(["external_id"])
    target = await acted_on(
        call, organization_ref, member_ref, acting, actions, what="Deleting the external id"
    )
    target.member.external_id, target.member.updated_at = None, call.now
    return MemberView(target.member, target.organization)


async def reactivate_member(
    call: Call, organization_ref: str, member_id: str, *, acting: MemberCredentials | None
) -> MemberView:
    organization = await organization_view(call, organization_ref)
    member = await MemberRepository(call.db, call.project_id).get(
        organization.organization_id, member_id, for_update=True
    )
    if member is None or member.member_id != member_id:
        raise KeystileError("member_not_found")
    actor = await acting_member(call, acting, organization.organization_id)
    if actor is not None:
        actor.require(MEMBER, [permissions.CREATE], what="Reactivating a member")
    member.status, member.updated_at = "active", call.now
    return MemberView(member, organization)


async def search_members(
    call: Call,
    organization_ids: list[str],
    *,
    query: dict[str, Any] | None,
    cursor: str | None,
    limit: int | None,
    acting: MemberCredentials | None,
) -> MemberPage:
    """A page of the members of `organization_ids` matching `query`; deleted members only when the
    query asks for them by status."""
    if not 0 < len(organization_ids) <= MAX_SEARCH_ORGANIZATIONS:
        raise KeystileError("invalid_argument", f"Give 1 to {MAX_SEARCH_ORGANIZATIONS} organization_ids.")
    db, project_id = call.db, call.project_id
    for organization_id in dict.fromkeys(organization_ids):
        actor = await acting_member(call, acting, organization_id)
        if actor is not None:
            actor.require(MEMBER, [permissions.SEARCH], what="Searching members")
    page_size = check_limit(limit)
    conditions = parse_search(query, search.MEMBER_FILTERS)
    if not search.filters_statuses(query):
        conditions.append(Member.status != "deleted")
    found, total = await MemberRepository(db, project_id).search(
        organization_ids, conditions, after=decode_cursor(cursor), limit=page_size + 1
    )
    last = found[page_size - 1] if len(found) > page_size else None
    organizations_repo = OrganizationRepository(db, project_id)
    views = {
        view.organization_id: view
        for view in await organizations_repo.views(
            await organizations_repo.by_ids(list({m.organization_id for m in found[:page_size]}))
        )
    }
    members = [MemberView(member, views[member.organization_id]) for member in found[:page_size]]
    await _look_up_details(call, members)
    return MemberPage(
        members=members,
        organizations=list(views.values()),
        total=total,
        next_cursor=encode_cursor(last.created_at, last.member_id) if last is not None else None,
    )
