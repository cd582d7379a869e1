"""Use cases for an organization's SCIM connection: create (its bearer token shown once), update (with
the roles its groups grant), get, list its groups, delete, and rotate the bearer token."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Final

from keystile.b2b import policy
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.organizations import administered_organization
from keystile.b2b.scim.models import SCIMConnection, SCIMGroup, SCIMGroupMember, SCIMRegistration
from keystile.b2b.scim.repository import SCIMRepository
from keystile.b2b.views import OrganizationView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.ids import new_id
from keystile.rbac.defaults import SCIM
from keystile.rbac.service import check_role_ids
from keystile.search_operands import check_limit, decode_cursor, encode_cursor
from keystile.sessions.types import MemberCredentials
from keystile.text import has_control_characters
from keystile.tokens import digest, new_token

IDENTITY_PROVIDERS: Final = (
    "generic",
    "okta",
    "microsoft-entra",
    "cyberark",
    "jumpcloud",
    "onelogin",
    "pingfederate",
    "rippling",
)
ACTIVE: Final = "active"
# The SCIM service of a connection is at SERVICE_PATH + connection_id.
SERVICE_PATH: Final = "/v1/b2b/scim/"
DISPLAY_NAME_MAX = 256
ROLE_ASSIGNMENTS_MAX = 100


@dataclass(frozen=True)
class ConnectionView:
    """A connection with the names of the groups its role assignments name, and the token just made
    (by create or rotate_start: the only time a token is shown)."""

    connection: SCIMConnection
    group_names: dict[str, str]
    token: str = ""


@dataclass(frozen=True)
class GroupPage:
    groups: list[SCIMGroup]
    next_cursor: str | None


def _identity_provider(value: str | None) -> str:
    if not value:
        return "generic"
    if value not in IDENTITY_PROVIDERS:
        raise KeystileError("invalid_sso_idp")
    return value


def _display_name(value: str) -> str:
    name = value.strip()
    if len(name) > DISPLAY_NAME_MAX or has_control_characters(name):
        raise KeystileError("invalid_argument", "display_name must be at most 256 characters.")
    return name


def presents_token(row: SCIMConnection, token: str) -> bool:
    """Whether `token` is the connection's bearer token, or the new one of a rotation under way."""
    presented = digest(token)
    current = hmac.compare_digest(presented, row.bearer_token_digest)
    upcoming = hmac.compare_digest(presented, row.next_bearer_token_digest or "")
    return current or (row.next_bearer_token_digest is not None and upcoming)


async def _administered(
    call: Call, organization_ref: str, acting: MemberCredentials | None, action: str, what: str
) -> OrganizationView:
    """The organization, once the acting member session (if any) may take `action` on `stytch.scim`."""
    return await administered_organization(call, organization_ref, acting, SCIM, [action], what=what)


async def _connection(
    call: Call, organization: OrganizationView, connection_id: str, *, for_update: bool = False
) -> SCIMConnection:
    return await SCIMRepository(call.db, call.project_id).get_by(
        SCIMConnection,
        "scim_connection_not_found",
        for_update=for_update,
        organization_id=organization.organization_id,
        connection_id=connection_id,
    )


async def create_connection(
    call: Call,
    *,
    organization_ref: str,
    display_name: str | None,
    identity_provider: str | None,
    acting: MemberCredentials | None,
) -> ConnectionView:
    """The organization's SCIM connection (it may have one), with its bearer token."""
    organization = await _administered(call, organization_ref, acting, "create", "Creating a SCIM connection")
    repo = SCIMRepository(call.db, call.project_id)
    if await repo.find_by(SCIMConnection, organization_id=organization.organization_id) is not None:
        raise KeystileError("scim_connection_already_exists")
    token = new_token()
    row = SCIMConnection(
        connection_id=new_id("scim-connection"),
        project_id=call.project_id,
        organization_id=organization.organization_id,
        status=ACTIVE,
        display_name=_display_name(display_name or "SCIM connection"),
        identity_provider=_identity_provider(identity_provider),
        bearer_token_digest=digest(token),
        bearer_token_last_four=token[-4:],
        next_bearer_token_digest=None,
        next_bearer_token_last_four="",
        group_role_assignments=[],
        created_at=call.now,
        updated_at=call.now,
    )
    call.db.add(row)
    return ConnectionView(row, {}, token)


async def get_connection(
    call: Call, *, organization_ref: str, acting: MemberCredentials | None
) -> ConnectionView | None:
    organization = await _administered(call, organization_ref, acting, "get", "Getting the SCIM connection")
    row = await SCIMRepository(call.db, call.project_id).find_by(
        SCIMConnection, organization_id=organization.organization_id
    )
    return await _view(call, row) if row is not None else None


async def refresh_member_roles(call: Call, row: SCIMConnection, member_ids: list[str]) -> None:
    """Set the members' roles from the connection's groups they are in, as its assignments grant."""
    repo, members = SCIMRepository(call.db, call.project_id), MemberRepository(call.db, call.project_id)
    for member_id in dict.fromkeys(member_ids):
        member = await members.find_by(Member, member_id=member_id, for_update=True)
        if member is not None:
            member.sso_role_sources = policy.scim_role_sources(
                member.sso_role_sources,
                row.connection_id,
                row.group_role_assignments,
                await repo.group_ids_of(row.connection_id, member_id),
            )


async def _role_assignments(
    call: Call, row: SCIMConnection, given: list[dict[str, str]]
) -> list[dict[str, str]]:
    """`[{group_id, role_id}]`: each group one of the connection's, each role defined by the policy."""
    if len(given) > ROLE_ASSIGNMENTS_MAX:
        raise KeystileError("invalid_argument", f"At most {ROLE_ASSIGNMENTS_MAX} role assignments.")
    assignments = [{"group_id": item["group_id"], "role_id": item["role_id"]} for item in given]
    group_ids = list({item["group_id"] for item in assignments})
    known = await SCIMRepository(call.db, call.project_id).groups_by_id(row.connection_id, group_ids)
    if len(known) != len(group_ids):
        raise KeystileError("scim_group_not_found")
    if assignments:
        in_force = await call.policies.policy(call.db, call.project_id, "b2b", row.organization_id)
        check_role_ids(in_force, [item["role_id"] for item in assignments])
    return assignments


async def update_connection(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    display_name: str | None,
    identity_provider: str | None,
    group_role_assignments: list[dict[str, str]] | None,
    acting: MemberCredentials | None,
) -> ConnectionView:
    organization = await _administered(call, organization_ref, acting, "update", "Updating a SCIM connection")
    row = await _connection(call, organization, connection_id, for_update=True)
    if display_name is not None:
        row.display_name = _display_name(display_name)
    if identity_provider is not None:
        row.identity_provider = _identity_provider(identity_provider)
    if group_role_assignments is not None:
        row.group_role_assignments = await _role_assignments(call, row, group_role_assignments)
        member_ids = await SCIMRepository(call.db, call.project_id).grouped_member_ids(connection_id)
        await refresh_member_roles(call, row, member_ids)
    row.updated_at = call.now
    return await _view(call, row)


async def _view(call: Call, row: SCIMConnection, token: str = "") -> ConnectionView:
    group_ids = [item["group_id"] for item in row.group_role_assignments]
    groups = await SCIMRepository(call.db, call.project_id).groups_by_id(row.connection_id, group_ids)
    return ConnectionView(row, {group.group_id: group.display_name for group in groups}, token)


async def get_groups(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    cursor: str | None,
    limit: int | None,
    acting: MemberCredentials | None,
) -> GroupPage:
    organization = await _administered(call, organization_ref, acting, "get", "Listing SCIM groups")
    row = await _connection(call, organization, connection_id)
    page_size = check_limit(limit)
    found, _ = await SCIMRepository(call.db, call.project_id).groups(
        row.connection_id, decode_cursor(cursor), page_size + 1
    )
    last = found[page_size - 1] if len(found) > page_size else None
    next_cursor = encode_cursor(last.created_at, last.group_id) if last is not None else None
    return GroupPage(found[:page_size], next_cursor)


async def delete_connection(
    call: Call, *, organization_ref: str, connection_id: str, acting: MemberCredentials | None
) -> str:
    """Delete the connection with its groups and registrations; its members stay, less its roles."""
    organization = await _administered(call, organization_ref, acting, "delete", "Deleting a SCIM connection")
    row = await _connection(call, organization, connection_id, for_update=True)
    repo = SCIMRepository(call.db, call.project_id)
    grouped = await repo.grouped_member_ids(connection_id)
    for model in (SCIMGroupMember, SCIMGroup, SCIMRegistration):
        await repo.delete_by(model, connection_id=connection_id)
    await refresh_member_roles(call, row, grouped)
    await repo.delete_by(SCIMConnection, connection_id=connection_id)
    return connection_id


async def rotate_start(
    call: Call, *, organization_ref: str, connection_id: str, acting: MemberCredentials | None
) -> ConnectionView:
    """A new bearer token, which works beside the current one until the rotation is completed or
    cancelled; starting again replaces the new token."""
    organization = await _administered(call, organization_ref, acting, "update", "Rotating a SCIM token")
    row = await _connection(call, organization, connection_id, for_update=True)
    token = new_token()
    row.next_bearer_token_digest, row.next_bearer_token_last_four = digest(token), token[-4:]
    row.updated_at = call.now
    return await _view(call, row, token)


async def _rotation(
    call: Call, organization_ref: str, connection_id: str, acting: MemberCredentials | None
) -> SCIMConnection:
    """The connection, held for update, whose token rotation is under way."""
    organization = await _administered(call, organization_ref, acting, "update", "Rotating a SCIM token")
    row = await _connection(call, organization, connection_id, for_update=True)
    if row.next_bearer_token_digest is None:
        raise KeystileError("scim_token_rotation_not_started")
    return row


async def rotate_complete(
    call: Call, *, organization_ref: str, connection_id: str, acting: MemberCredentials | None
) -> ConnectionView:
    """The new token becomes the only one; the old one stops working."""
    row = await _rotation(call, organization_ref, connection_id, acting)
    row.bearer_token_digest = row.next_bearer_token_digest or row.bearer_token_digest
    row.bearer_token_last_four = row.next_bearer_token_last_four
    row.next_bearer_token_digest, row.next_bearer_token_last_four = None, ""
    row.updated_at = call.now
    return await _view(call, row)


async def rotate_cancel(
    call: Call, *, organization_ref: str, connection_id: str, acting: MemberCredentials | None
) -> ConnectionView:
    """The new token stops working; the current one stays."""
    row = await _rotation(call, organization_ref, connection_id, acting)
    row.next_bearer_token_digest, row.next_bearer_token_last_four = None, ""
    row.updated_at = call.now
    return await _view(call, row)


def base_url(public_url: str, row: SCIMConnection) -> str:
    """Where the IdP finds the connection's SCIM service; Entra is asked for its RFC-compliant mode."""
    url = f"{public_url.rstrip('/')}{SERVICE_PATH}{row.connection_id}"
    return f"{url}?aadOptscim062020" if row.identity_provider == "microsoft-entra" else url
