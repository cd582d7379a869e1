"""Request and response bodies of the RBAC API (consumer and B2B policies, organizations' custom
roles), as the SDKs model them."""

from __future__ import annotations

from typing import Any

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import OrganizationId
from keystile.rbac.model import Role, role_document


class PolicyResponse(StytchResponse):
    policy: dict[str, Any]


class OrgPolicyResponse(StytchResponse):
    org_policy: dict[str, Any]


class SetOrgPolicyRequest(RequestBody):
    org_policy: dict[str, Any]
    organization_id: OrganizationId | None = None


def org_policy_out(roles: tuple[Role, ...]) -> dict[str, Any]:
    return {"roles": [role_document(role) for role in roles]}
