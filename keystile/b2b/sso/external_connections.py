"""External connections: an organization signs its members in through a SAML or OIDC connection that
another organization of the same project owns, with implicit roles of its own."""

from __future__ import annotations

from dataclasses import dataclass

from keystile.b2b.organizations import organization_view
from keystile.b2b.sso.connections import administered, become_default, display_name_of
from keystile.b2b.sso.models import ExternalConnection, OIDCConnection, SAMLConnection
from keystile.b2b.sso.repository import EXTERNAL_PREFIX, SSORepository, connection_model
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.ids import new_id
from keystile.rbac.service import check_role_ids
from keystile.sessions.types import MemberCredentials


@dataclass(frozen=True)
class RoleAssignments:
    """Implicit roles given; None leaves the connection's as they are."""

    connection: list[dict[str, str]] | None
    group: list[dict[str, str]] | None


async def _check_roles(call: Call, organization_id: str, roles: RoleAssignments) -> None:
    assigned = [item["role_id"] for item in [*(roles.connection or []), *(roles.group or [])]]
    if assigned:
        in_force = await call.policies.policy(call.db, call.project_id, "b2b", organization_id)
        check_role_ids(in_force, assigned)


async def _source(call: Call, organization_id: str, connection_id: str) -> SAMLConnection | OIDCConnection:
    """The other organization's connection; another organization's or project's is not found."""
    if connection_id.startswith(EXTERNAL_PREFIX):
        raise KeystileError("sso_connection_not_found", "An external connection cannot be used by another.")
    return await SSORepository(call.db, call.project_id).get_by(
        connection_model(connection_id),
        "sso_connection_not_found",
        organization_id=organization_id,
        connection_id=connection_id,
    )


def _apply(call: Call, row: ExternalConnection, display_name: str | None, roles: RoleAssignments) -> None:
    if display_name is not None:
        row.display_name = display_name_of(display_name, row.display_name)
    if roles.connection is not None:
        row.connection_role_assignments = roles.connection
    if roles.group is not None:
        row.group_role_assignments = roles.group
    row.updated_at = call.now


async def create_connection(
    call: Call,
    *,
    organization_ref: str,
    external_organization_id: str,
    external_connection_id: str,
    display_name: str | None,
    roles: RoleAssignments,
    acting: MemberCredentials | None,
) -> ExternalConnection:
    """The organization's use of another organization's connection."""
    organization = await administered(call, organization_ref, acting, "create", "Creating an SSO connection")
    source_organization = await organization_view(call, external_organization_id)
    if source_organization.organization_id == organization.organization_id:
        raise KeystileError(
            "sso_connection_not_found", "An organization cannot use its own connection externally."
        )
    source = await _source(call, source_organization.organization_id, external_connection_id)
    await _check_roles(call, organization.organization_id, roles)
    row = ExternalConnection(
        connection_id=new_id("external-connection"),
        project_id=call.project_id,
        organization_id=organization.organization_id,
        external_organization_id=source.organization_id,
        external_connection_id=source.connection_id,
        display_name=source.display_name,
        connection_role_assignments=[],
        group_role_assignments=[],
        created_at=call.now,
        updated_at=call.now,
    )
    _apply(call, row, display_name, roles)
    call.db.add(row)
    become_default(organization, row.connection_id)
    return row


async def update_connection(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    display_name: str | None,
    roles: RoleAssignments,
    acting: MemberCredentials | None,
) -> ExternalConnection:
    organization = await administered(call, organization_ref, acting, "update", "Updating an SSO connection")
    row = await SSORepository(call.db, call.project_id).get_by(
        ExternalConnection,
        "sso_connection_not_found",
        for_update=True,
        organization_id=organization.organization_id,
        connection_id=connection_id,
    )
    await _check_roles(call, organization.organization_id, roles)
    _apply(call, row, display_name, roles)
    return row
