"""The SCIM service's /Users: each User is a member of the connection's organization, provisioned
(created, replaced, patched, deactivated by active=false, deleted) by the IdP."""

from __future__ import annotations

from typing import Any

from scim2_models import (
    Context,
    GroupMembership,
    InvalidValueException,
    NotFoundException,
    PatchOp,
    UniquenessException,
    User,
)

from keystile.b2b.members import NewMember, add_member, mark_deleted
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.organizations import organization_view
from keystile.b2b.scim import resources
from keystile.b2b.scim.connections import refresh_member_roles
from keystile.b2b.scim.models import SCIMConnection, SCIMGroup, SCIMGroupMember, SCIMRegistration
from keystile.b2b.scim.repository import SCIMRepository
from keystile.b2b.scim.resources import Document, Listing, Shown
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email
from keystile.ids import new_id

SCIMUser = User[Any]


def _user(body: object, context: Context) -> SCIMUser:
    user: SCIMUser = resources.validated(User, body, context)
    return user


def _email(user: SCIMUser) -> str:
    emails = user.emails or []
    chosen = next((item for item in emails if item.primary), emails[0] if emails else None)
    address = str(chosen.value) if chosen is not None and chosen.value else str(user.user_name or "")
    try:
        return normalize_email(address)
    except KeystileError as error:
        raise InvalidValueException(detail="The User needs a valid email address.") from error


def _name(user: SCIMUser) -> str:
    if user.display_name:
        return str(user.display_name)
    name = user.name
    if name is None:
        return ""
    parts = (name.given_name, name.family_name)
    return str(name.formatted or " ".join(str(part) for part in parts if part))


def _membership(base_url: str, group: SCIMGroup) -> GroupMembership:
    ref = f"{base_url}/Groups/{group.group_id}"
    return GroupMembership(value=group.group_id, ref=ref, display=group.display_name, type="direct")


def _resource(base_url: str, row: SCIMRegistration, groups: list[SCIMGroup]) -> SCIMUser:
    """The User with its `groups` (read-only: the connection's groups it is a member of)."""
    user: SCIMUser = User.model_validate(row.attributes)
    user.id = row.member_id
    # `active` is shown unless a PATCH removed it, which left the member inactive.
    user.active = row.active if row.active or user.active is not None else None
    user.groups = [_membership(base_url, group) for group in groups] or None
    user.meta = resources.meta(base_url, "User", row.member_id, row.created_at, row.updated_at, row.version)
    return user


async def _groups(call: Call, row: SCIMRegistration) -> list[SCIMGroup]:
    repo = SCIMRepository(call.db, call.project_id)
    return [group for _, group in await repo.member_groups(row.connection_id, member_id=row.member_id)]


async def _document(call: Call, base_url: str, row: SCIMRegistration, shown: Shown | None = None) -> Document:
    return resources.dumped(_resource(base_url, row, await _groups(call, row)), shown)


async def _registration(
    call: Call, connection: SCIMConnection, member_id: str, if_match: str | None = None
) -> SCIMRegistration:
    """The User's registration, locked, once it is at the version `if_match` names (if any)."""
    row = await SCIMRepository(call.db, call.project_id).find_by(
        SCIMRegistration, for_update=True, connection_id=connection.connection_id, member_id=member_id
    )
    if row is None:
        raise NotFoundException(detail=f"User {member_id} not found.")
    resources.require_version(if_match, row.version)
    return row


async def _set_active(call: Call, member: Member, active: bool) -> None:
    """An inactive member is deleted (sessions ended, links retired, OAuth registrations and Connected
    Apps grants erased); an active one can sign in."""
    if not active and member.status != "deleted":
        await mark_deleted(call, member)
    elif active:
        member.status = "active"


async def _apply(call: Call, row: SCIMRegistration, user: SCIMUser, active: bool) -> None:
    """Write `user` to the registration and its member, `active` or not."""
    member = await MemberRepository(call.db, call.project_id).find_by(
        Member, member_id=row.member_id, for_update=True
    )
    if member is None:
        raise NotFoundException(detail=f"User {row.member_id} not found.")
    user.id, user.meta, user.groups = None, None, None
    row.attributes = user.model_dump(mode="json", exclude_none=True, by_alias=True)
    row.user_name_key = str(user.user_name or "").casefold()
    row.external_id, row.active = user.external_id, active
    row.version, row.updated_at = row.version + 1, call.now
    member.email_address, member.name = _email(user), _name(user)
    member.external_id, member.updated_at = user.external_id, call.now
    await _set_active(call, member, active)


async def _member_for(call: Call, connection: SCIMConnection, user: SCIMUser) -> Member:
    """The new User's member: a new one; or the organization's deleted member of that address that no
    User stands for any more (a User the IdP deleted, which RFC 7644 section 3.6 says is no conflict),
    brought back as this User (`_apply` makes it active)."""
    email = _email(user)
    organization = await organization_view(call, connection.organization_id)
    existing = await MemberRepository(call.db, call.project_id).by_email(
        organization.organization_id, email, for_update=True
    )
    if existing is not None and existing.status == "deleted":
        registered = await SCIMRepository(call.db, call.project_id).find_by(
            SCIMRegistration, member_id=existing.member_id
        )
        if registered is None:
            existing.email_address_verified = True  # as the IdP's members are
            return existing
    try:
        return await add_member(
            call,
            organization,
            email,
            status="active",
            verified=True,
            new=NewMember(name=_name(user), external_id=user.external_id),
        )
    except KeystileError as error:
        raise UniquenessException(detail=error.error_message) from error


async def create_user(call: Call, connection: SCIMConnection, base_url: str, body: object) -> Document:
    user = _user(body, Context.RESOURCE_CREATION_REQUEST)
    repo = SCIMRepository(call.db, call.project_id)
    key = str(user.user_name or "").casefold()
    if await repo.find_by(SCIMRegistration, connection_id=connection.connection_id, user_name_key=key):
        raise UniquenessException(detail="A User with this userName exists.")
    member = await _member_for(call, connection, user)
    row = SCIMRegistration(
        registration_id=new_id("scim-registration"),
        project_id=call.project_id,
        organization_id=connection.organization_id,
        connection_id=connection.connection_id,
        member_id=member.member_id,
        user_name_key=key,
        external_id=None,
        active=True,
        attributes={},
        version=0,
        created_at=call.now,
        updated_at=call.now,
    )
    call.db.add(row)
    await _apply(call, row, user, user.active is not False)
    return await _document(call, base_url, row)


async def get_user(
    call: Call, connection: SCIMConnection, base_url: str, member_id: str, shown: Shown | None
) -> Document:
    return await _document(call, base_url, await _registration(call, connection, member_id), shown)


async def replace_user(
    call: Call, connection: SCIMConnection, base_url: str, member_id: str, body: object, if_match: str | None
) -> Document:
    row = await _registration(call, connection, member_id, if_match)
    user = _user(body, Context.RESOURCE_REPLACEMENT_REQUEST)
    await _apply(call, row, user, user.active is not False)
    return await _document(call, base_url, row)


async def patch_user(
    call: Call, connection: SCIMConnection, base_url: str, member_id: str, body: object, if_match: str | None
) -> Document:
    row = await _registration(call, connection, member_id, if_match)
    operations = resources.validated(PatchOp[SCIMUser], body, Context.RESOURCE_PATCH_REQUEST)
    user = _resource(base_url, row, await _groups(call, row))
    operations.patch(user)
    # A `remove` of active unsets it (RFC 7644 section 3.5.2.2): the member is no longer active.
    await _apply(call, row, user, user.active is True)
    return await _document(call, base_url, row)


async def delete_user(call: Call, connection: SCIMConnection, member_id: str, if_match: str | None) -> None:
    row = await _registration(call, connection, member_id, if_match)
    member = await MemberRepository(call.db, call.project_id).find_by(
        Member, member_id=member_id, for_update=True
    )
    if member is not None:
        await _set_active(call, member, False)
    await SCIMRepository(call.db, call.project_id).delete_by(
        SCIMGroupMember, connection_id=connection.connection_id, member_id=member_id
    )
    await refresh_member_roles(call, connection, [member_id])
    await call.db.delete(row)


async def all_users(call: Call, connection: SCIMConnection, base_url: str) -> list[SCIMUser]:
    """The connection's Users, each with its groups."""
    repo = SCIMRepository(call.db, call.project_id)
    groups: dict[str, list[SCIMGroup]] = {}
    for member_id, group in await repo.member_groups(connection.connection_id):
        groups.setdefault(member_id, []).append(group)
    return [
        _resource(base_url, row, groups.get(row.member_id, []))
        for row in await repo.registrations(connection.connection_id)
    ]


async def list_users(call: Call, connection: SCIMConnection, base_url: str, listing: Listing) -> Document:
    """Users matching the filter, from the 1-based `start`, at most `count` (RFC 7644 section 3.4.2.4)."""
    return resources.page(User, await all_users(call, connection, base_url), listing)
