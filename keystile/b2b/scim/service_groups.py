"""The SCIM service's /Groups: the groups the IdP provisions in a connection (displayName unique without
case), whose members are the connection's Users; the connection's role assignments give them roles."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Final

from scim2_models import (
    Context,
    Group,
    GroupMember,
    InvalidValueException,
    NotFoundException,
    PatchOp,
    ScimPolicy,
    UniquenessException,
)
from sqlalchemy.exc import IntegrityError

from keystile.b2b.scim import resources
from keystile.b2b.scim.connections import DISPLAY_NAME_MAX, refresh_member_roles
from keystile.b2b.scim.models import SCIMConnection, SCIMGroup, SCIMGroupMember, SCIMRegistration
from keystile.b2b.scim.repository import SCIMRepository
from keystile.b2b.scim.resources import Document, Listing, Shown
from keystile.calls import Call
from keystile.ids import new_id
from keystile.text import has_control_characters

# Microsoft Entra removes members by a `remove` whose value lists them, where RFC 7644 puts a filter in
# the path; both are read.
ENTRA_TOLERANT: Final = ScimPolicy(remove_value_as_filter=ScimPolicy.RemoveValue.apply)


def _display_name_key(name: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", name).casefold().encode()).hexdigest()


def _member(base_url: str, registration: SCIMRegistration) -> GroupMember:
    return GroupMember(
        value=registration.member_id,
        ref=f"{base_url}/Users/{registration.member_id}",
        type="User",
    )


def _resource(base_url: str, row: SCIMGroup, members: list[SCIMRegistration]) -> Group:
    return Group(
        id=row.group_id,
        external_id=row.external_id,
        display_name=row.display_name,
        members=[_member(base_url, registration) for registration in members] or None,
        meta=resources.meta(base_url, "Group", row.group_id, row.created_at, row.updated_at, row.version),
    )


async def _members(call: Call, connection: SCIMConnection, group_id: str) -> list[SCIMRegistration]:
    repo = SCIMRepository(call.db, call.project_id)
    return [found for _, found in await repo.group_members(connection.connection_id, group_id=group_id)]


async def _document(
    call: Call, connection: SCIMConnection, base_url: str, row: SCIMGroup, shown: Shown | None
) -> Document:
    members = await _members(call, connection, row.group_id)
    return resources.dumped(_resource(base_url, row, members), shown)


async def _group(
    call: Call, connection: SCIMConnection, group_id: str, if_match: str | None, *, for_update: bool = True
) -> SCIMGroup:
    """The group (locked to change it), once it is at the version `if_match` names (if any)."""
    row = await SCIMRepository(call.db, call.project_id).find_by(
        SCIMGroup, for_update=for_update, connection_id=connection.connection_id, group_id=group_id
    )
    if row is None:
        raise NotFoundException(detail=f"Group {group_id} not found.")
    resources.require_version(if_match, row.version)
    return row


async def _name(call: Call, connection: SCIMConnection, row: SCIMGroup, group: Group) -> None:
    """Write the group's displayName (a taken one is 409 uniqueness) and externalId to the row."""
    name = str(group.display_name or "").strip()
    if not name or len(name) > DISPLAY_NAME_MAX or has_control_characters(name):
        raise InvalidValueException(detail="displayName is 1 to 256 characters.")
    key = _display_name_key(name)
    if key != row.display_name_key:
        taken = await SCIMRepository(call.db, call.project_id).find_by(
            SCIMGroup, connection_id=connection.connection_id, display_name_key=key
        )
        if taken is not None:
            raise UniquenessException(detail="A Group with this displayName exists.")
    row.display_name, row.display_name_key, row.external_id = name, key, group.external_id


async def _write(
    call: Call, connection: SCIMConnection, row: SCIMGroup, group: Group, current: list[str]
) -> None:
    """Write `group` to the row and its memberships, then the roles of the members who joined or left."""
    await _name(call, connection, row, group)
    call.db.add(row)
    try:  # a group of the same name made meanwhile by another request
        await call.db.flush()
    except IntegrityError as error:
        raise UniquenessException(detail="A Group with this displayName exists.") from error
    wanted = list(dict.fromkeys(str(member.value) for member in group.members or [] if member.value))
    joined = [member_id for member_id in wanted if member_id not in current]
    left = [member_id for member_id in current if member_id not in wanted]
    repo = SCIMRepository(call.db, call.project_id)
    unknown = set(joined) - await repo.registered_member_ids(connection.connection_id, joined)
    if unknown:
        raise InvalidValueException(detail=f"{min(unknown)} is not a User of this SCIM connection.")
    if left:
        await repo.remove_members(row.group_id, left)
    for member_id in joined:
        call.db.add(
            SCIMGroupMember(
                group_id=row.group_id,
                member_id=member_id,
                project_id=call.project_id,
                connection_id=connection.connection_id,
            )
        )
    row.version, row.updated_at = row.version + 1, call.now
    await refresh_member_roles(call, connection, joined + left)


async def create_group(call: Call, connection: SCIMConnection, base_url: str, body: object) -> Document:
    group = resources.validated(Group, body, Context.RESOURCE_CREATION_REQUEST)
    row = SCIMGroup(
        group_id=new_id("scim-group"),
        project_id=call.project_id,
        organization_id=connection.organization_id,
        connection_id=connection.connection_id,
        display_name="",
        display_name_key="",
        external_id=None,
        version=0,
        created_at=call.now,
        updated_at=call.now,
    )
    await _write(call, connection, row, group, [])
    return await _document(call, connection, base_url, row, None)


async def get_group(
    call: Call, connection: SCIMConnection, base_url: str, group_id: str, shown: Shown | None
) -> Document:
    row = await _group(call, connection, group_id, None, for_update=False)
    return await _document(call, connection, base_url, row, shown)


async def replace_group(
    call: Call, connection: SCIMConnection, base_url: str, group_id: str, body: object, if_match: str | None
) -> Document:
    row = await _group(call, connection, group_id, if_match)
    current = [found.member_id for found in await _members(call, connection, group_id)]
    group = resources.validated(Group, body, Context.RESOURCE_REPLACEMENT_REQUEST)
    await _write(call, connection, row, group, current)
    return await _document(call, connection, base_url, row, None)


async def patch_group(
    call: Call, connection: SCIMConnection, base_url: str, group_id: str, body: object, if_match: str | None
) -> Document:
    """RFC 7644 PATCH operations as Okta (members by path filter) and Entra (op names capitalised, a
    `remove` listing members in its value) send them."""
    row = await _group(call, connection, group_id, if_match)
    members = await _members(call, connection, group_id)
    operations = resources.validated(PatchOp[Group], body, Context.RESOURCE_PATCH_REQUEST, ENTRA_TOLERANT)
    group = _resource(base_url, row, members)
    operations.patch(group, ENTRA_TOLERANT)
    await _write(call, connection, row, group, [found.member_id for found in members])
    return await _document(call, connection, base_url, row, None)


async def delete_group(call: Call, connection: SCIMConnection, group_id: str, if_match: str | None) -> None:
    """Delete the group with its memberships and the connection's role assignments to it."""
    row = await _group(call, connection, group_id, if_match)
    repo = SCIMRepository(call.db, call.project_id)
    members = [found.member_id for found in await _members(call, connection, group_id)]
    await repo.delete_by(SCIMGroupMember, group_id=group_id)
    connection.group_role_assignments = [
        item for item in connection.group_role_assignments if item["group_id"] != group_id
    ]
    await refresh_member_roles(call, connection, members)
    await call.db.delete(row)


async def all_groups(call: Call, connection: SCIMConnection, base_url: str) -> list[Group]:
    """The connection's Groups, each with its members."""
    repo = SCIMRepository(call.db, call.project_id)
    members: dict[str, list[SCIMRegistration]] = {}
    for group_id, registration in await repo.group_members(connection.connection_id):
        members.setdefault(group_id, []).append(registration)
    return [
        _resource(base_url, row, members.get(row.group_id, []))
        for row in await repo.all_groups(connection.connection_id)
    ]


async def list_groups(call: Call, connection: SCIMConnection, base_url: str, listing: Listing) -> Document:
    """Groups matching the filter (displayName eq "…", as IdPs look a group up), a 1-based page."""
    return resources.page(Group, await all_groups(call, connection, base_url), listing)
