"""Request and response bodies of the B2B SCIM connection API, as the official SDKs use them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import SCIMGroupId
from keystile.b2b.scim.connections import ConnectionView, base_url
from keystile.b2b.scim.models import SCIMGroup

Text = Annotated[str, Field(max_length=2048)]
IdentityProvider = Annotated[str, Field(max_length=32)]


class GroupRoleAssignmentIn(BaseModel):
    group_id: SCIMGroupId
    role_id: Annotated[str, Field(max_length=128)]


class CreateSCIMRequest(RequestBody):
    display_name: Text | None = None
    identity_provider: IdentityProvider | None = None


class UpdateSCIMRequest(RequestBody):
    display_name: Text | None = None
    identity_provider: IdentityProvider | None = None
    scim_group_implicit_role_assignments: list[GroupRoleAssignmentIn] | None = Field(
        default=None, max_length=100
    )


class GroupRoleAssignmentOut(BaseModel):
    role_id: str
    group_id: str
    group_name: str


class _Connection(BaseModel):
    organization_id: str
    connection_id: str
    status: str
    display_name: str
    identity_provider: str
    base_url: str
    scim_group_implicit_role_assignments: list[GroupRoleAssignmentOut]
    bearer_token_expires_at: datetime | None = None


class SCIMConnectionOut(_Connection):
    """The SDK's `SCIMConnection`; the tokens are shown by their last four characters only."""

    bearer_token_last_four: str
    next_bearer_token_last_four: str
    next_bearer_token_expires_at: datetime | None = None


class SCIMConnectionWithTokenOut(_Connection):
    bearer_token: str


class SCIMConnectionWithNextTokenOut(_Connection):
    bearer_token_last_four: str
    next_bearer_token: str
    next_bearer_token_expires_at: datetime | None = None


def _common(view: ConnectionView, public_url: str) -> dict[str, Any]:
    row = view.connection
    assignments = [
        GroupRoleAssignmentOut(
            role_id=item["role_id"],
            group_id=item["group_id"],
            group_name=view.group_names.get(item["group_id"], ""),
        )
        for item in row.group_role_assignments
    ]
    return {
        "organization_id": row.organization_id,
        "connection_id": row.connection_id,
        "status": row.status,
        "display_name": row.display_name,
        "identity_provider": row.identity_provider,
        "base_url": base_url(public_url, row),
        "scim_group_implicit_role_assignments": assignments,
    }


def scim_connection_out(view: ConnectionView, public_url: str) -> SCIMConnectionOut:
    return SCIMConnectionOut(
        **_common(view, public_url),
        bearer_token_last_four=view.connection.bearer_token_last_four,
        next_bearer_token_last_four=view.connection.next_bearer_token_last_four,
    )


def with_token_out(view: ConnectionView, public_url: str) -> SCIMConnectionWithTokenOut:
    return SCIMConnectionWithTokenOut(**_common(view, public_url), bearer_token=view.token)


def with_next_token_out(view: ConnectionView, public_url: str) -> SCIMConnectionWithNextTokenOut:
    return SCIMConnectionWithNextTokenOut(
        **_common(view, public_url),
        bearer_token_last_four=view.connection.bearer_token_last_four,
        next_bearer_token=view.token,
    )


class SCIMGroupOut(BaseModel):
    group_id: str
    group_name: str
    organization_id: str
    connection_id: str


def scim_group_out(group: SCIMGroup) -> SCIMGroupOut:
    return SCIMGroupOut(
        group_id=group.group_id,
        group_name=group.display_name,
        organization_id=group.organization_id,
        connection_id=group.connection_id,
    )


class CreateResponse(StytchResponse):
    connection: SCIMConnectionWithTokenOut


class ConnectionResponse(StytchResponse):
    connection: SCIMConnectionOut | None


class RotateStartResponse(StytchResponse):
    connection: SCIMConnectionWithNextTokenOut


class GetGroupsResponse(StytchResponse):
    scim_groups: list[SCIMGroupOut]
    next_cursor: str | None


class DeleteResponse(StytchResponse):
    connection_id: str
