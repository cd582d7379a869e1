"""Organizations' custom roles (Stytch's organization RBAC policy), read and set by organization id,
slug or external id."""

from __future__ import annotations

from keystile.b2b.organizations import organization_view
from keystile.calls import Call
from keystile.rbac import service
from keystile.rbac.model import Role


async def custom_roles(call: Call, organization_ref: str) -> tuple[Role, ...]:
    organization = await organization_view(call, organization_ref)
    return await service.organization_roles(call.db, call.project_id, organization.organization_id)


async def set_custom_roles(call: Call, organization_ref: str, document: object) -> tuple[Role, ...]:
    """Replace the organization's custom roles; they may not reuse the project's role ids."""
    organization = await organization_view(call, organization_ref, for_update=True)
    return await service.set_organization_roles(
        call.db, call.project_id, "b2b", organization.organization_id, document, now=call.now
    )
