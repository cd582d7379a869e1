"""Request and response bodies of the B2B Discovery API (intermediate sessions, discovered
organizations, creating an organization), as the SDK models them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from keystile.api.schemas.b2b_organizations import (
    MemberOut,
    OrganizationOut,
    OrganizationSettingsIn,
    Text,
    member_out,
    organization_out,
)
from keystile.api.schemas.b2b_sessions import MfaRequiredOut, PrimaryRequiredOut
from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import OrganizationId
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX
from keystile.b2b.discovery import DiscoveredOrganization, Discovery
from keystile.b2b.views import MemberView


class ExchangeIntermediateSessionRequest(RequestBody):
    intermediate_session_token: str = Field(min_length=1, max_length=TOKEN_MAX)
    organization_id: OrganizationId
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    locale: str | None = Field(default=None, max_length=16)
    telemetry_id: str | None = Field(default=None, max_length=256)


class CreateOrganizationViaDiscoveryRequest(OrganizationSettingsIn):
    intermediate_session_token: str = Field(min_length=1, max_length=TOKEN_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    organization_name: Text | None = None
    telemetry_id: str | None = Field(default=None, max_length=256)


class ListDiscoveredOrganizationsRequest(RequestBody):
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)


class MembershipOut(BaseModel):
    type: str
    details: dict[str, Any] | None
    member: MemberOut | None


class DiscoveredOrganizationOut(BaseModel):
    member_authenticated: bool
    organization: OrganizationOut
    membership: MembershipOut
    primary_required: PrimaryRequiredOut | None
    mfa_required: MfaRequiredOut | None


class DiscoveryResponse(StytchResponse):
    """The discovered organizations of an address (discovery authenticate, organizations list)."""

    email_address: str
    discovered_organizations: list[DiscoveredOrganizationOut]


class ListDiscoveredOrganizationsResponse(DiscoveryResponse):
    organization_id_hint: str | None = None


def discovered_out(found: DiscoveredOrganization) -> DiscoveredOrganizationOut:
    """The SDK's `DiscoveredOrganization` model."""
    member = member_out(MemberView(found.member, found.organization)) if found.member is not None else None
    primary = found.primary_required
    return DiscoveredOrganizationOut(
        member_authenticated=found.member_authenticated,
        organization=organization_out(found.organization),
        membership=MembershipOut(type=found.membership_type, details=found.details, member=member),
        primary_required=PrimaryRequiredOut(allowed_auth_methods=primary) if primary is not None else None,
        mfa_required=MfaRequiredOut() if found.mfa_required else None,
    )


def discovery_fields(discovery: Discovery) -> dict[str, Any]:
    """The `DiscoveryResponse` fields of a discovery."""
    return {
        "email_address": discovery.email,
        "discovered_organizations": [discovered_out(found) for found in discovery.organizations],
    }
