"""Request and response bodies of the B2B Organizations and Members APIs, field for field as the SDK
models them (every field its `Organization` and `Member` models require)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import MemberEmailId
from keystile.api.schemas.users import Metadata, ResultsMetadata, Roles, SearchQuery
from keystile.b2b.organizations import FIELD_NAMES, OrganizationFields
from keystile.b2b.policy import ADMIN_ROLE, role_ids
from keystile.b2b.views import MemberView, OrganizationView
from keystile.clock import rfc3339

# Bounds that keep hostile input small; the services check the exact rules with Stytch's error types.
Text = Annotated[str, Field(max_length=512)]
Url = Annotated[str, Field(max_length=4096)]
Setting = Annotated[str, Field(max_length=32)]
Strings = list[Annotated[str, Field(max_length=512)]]
Email = Annotated[str, Field(max_length=320)]
Ref = Annotated[str, Field(max_length=128)]


class RoleAssignmentIn(RequestBody):
    domain: Text
    role_id: Text


class OrganizationSettingsIn(RequestBody):
    """The fields create, update and create-via-discovery share."""

    organization_slug: Text | None = None
    organization_logo_url: Url | None = None
    trusted_metadata: Metadata | None = None
    organization_external_id: Text | None = None
    sso_jit_provisioning: Setting | None = None
    sso_jit_provisioning_allowed_connections: Strings | None = Field(default=None, max_length=100)
    email_allowed_domains: Strings | None = Field(default=None, max_length=100)
    email_jit_provisioning: Setting | None = None
    email_invites: Setting | None = None
    auth_methods: Setting | None = None
    allowed_auth_methods: Strings | None = Field(default=None, max_length=100)
    mfa_policy: Setting | None = None
    rbac_email_implicit_role_assignments: list[RoleAssignmentIn] | None = Field(default=None, max_length=100)
    mfa_methods: Setting | None = None
    allowed_mfa_methods: Strings | None = Field(default=None, max_length=100)
    oauth_tenant_jit_provisioning: Setting | None = None
    allowed_oauth_tenants: Metadata | None = None
    claimed_email_domains: Strings | None = Field(default=None, max_length=100)
    first_party_connected_apps_allowed_type: Setting | None = None
    allowed_first_party_connected_apps: Strings | None = Field(default=None, max_length=100)
    third_party_connected_apps_allowed_type: Setting | None = None
    allowed_third_party_connected_apps: Strings | None = Field(default=None, max_length=100)

    def organization_fields(self) -> OrganizationFields:
        """The fields the caller gave, for the organizations service."""
        return OrganizationFields(**self.model_dump(include=set(FIELD_NAMES), exclude_none=True))


class CreateOrganizationRequest(OrganizationSettingsIn):
    organization_name: Text


class UpdateOrganizationRequest(OrganizationSettingsIn):
    organization_name: Text | None = None
    sso_default_connection_id: Text | None = None


class SearchOrganizationsRequest(RequestBody):
    cursor: str | None = Field(default=None, max_length=512)
    limit: int | None = None
    query: SearchQuery | None = None


class NewMemberIn(RequestBody):
    """The fields create and invite share."""

    email_address: Email
    name: Text | None = None
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    roles: Roles | None = Field(default=None, max_length=100)


class CreateMemberRequest(NewMemberIn):
    create_member_as_pending: bool = False
    is_breakglass: bool = False
    mfa_phone_number: Annotated[str, Field(max_length=32)] | None = None
    mfa_enrolled: bool = False
    external_id: Text | None = None


class UpdateMemberRequest(RequestBody):
    name: Text | None = None
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    is_breakglass: bool | None = None
    mfa_phone_number: Annotated[str, Field(max_length=32)] | None = None
    mfa_enrolled: bool | None = None
    roles: Roles | None = Field(default=None, max_length=100)
    preserve_existing_sessions: bool | None = None
    default_mfa_method: Setting | None = None
    email_address: Email | None = None
    external_id: Text | None = None
    unlink_email: bool | None = None


class StartEmailUpdateRequest(RequestBody):
    email_address: Email
    login_redirect_url: Url | None = None
    locale: str | None = Field(default=None, max_length=16)
    login_template_id: str | None = Field(default=None, max_length=128)
    delivery_method: Literal["EMAIL_MAGIC_LINK", "EMAIL_OTP"] | None = None


class UnlinkRetiredEmailRequest(RequestBody):
    email_id: MemberEmailId | None = None
    email_address: Email | None = None


class SearchMembersRequest(RequestBody):
    organization_ids: list[Ref] = Field(max_length=100)
    cursor: str | None = Field(default=None, max_length=512)
    limit: int | None = None
    query: SearchQuery | None = None


class ActiveSSOConnectionOut(BaseModel):
    connection_id: str
    display_name: str
    identity_provider: str


class OrganizationOut(BaseModel):
    organization_id: str
    organization_name: str
    organization_logo_url: str
    organization_slug: str
    sso_jit_provisioning: str
    sso_jit_provisioning_allowed_connections: list[str]
    sso_active_connections: list[ActiveSSOConnectionOut] = Field(default_factory=list)
    email_allowed_domains: list[str]
    email_jit_provisioning: str
    email_invites: str
    auth_methods: str
    allowed_auth_methods: list[str]
    mfa_policy: str
    rbac_email_implicit_role_assignments: list[dict[str, str]]
    mfa_methods: str
    allowed_mfa_methods: list[str]
    oauth_tenant_jit_provisioning: str
    claimed_email_domains: list[str]
    first_party_connected_apps_allowed_type: str
    allowed_first_party_connected_apps: list[str]
    third_party_connected_apps_allowed_type: str
    allowed_third_party_connected_apps: list[str]
    custom_roles: list[dict[str, Any]] = Field(default_factory=list)
    trusted_metadata: Metadata
    created_at: str | None
    updated_at: str | None
    organization_external_id: str
    sso_default_connection_id: str | None = None
    scim_active_connection: dict[str, Any] | None = None
    allowed_oauth_tenants: dict[str, Any]


class MemberRoleSourceOut(BaseModel):
    type: str
    details: dict[str, Any]


class MemberRoleOut(BaseModel):
    role_id: str
    sources: list[MemberRoleSourceOut]


class MemberOut(BaseModel):
    organization_id: str
    member_id: str
    email_address: str
    status: str
    name: str
    sso_registrations: list[dict[str, Any]] = Field(default_factory=list)
    is_breakglass: bool
    member_password_id: str = ""
    oauth_registrations: list[dict[str, Any]] = Field(default_factory=list)
    email_address_verified: bool
    mfa_phone_number_verified: bool
    is_admin: bool
    totp_registration_id: str = ""
    retired_email_addresses: list[dict[str, str]] = Field(default_factory=list)
    is_locked: bool = False
    mfa_enrolled: bool
    mfa_phone_number: str
    default_mfa_method: str
    roles: list[MemberRoleOut]
    trusted_metadata: Metadata
    untrusted_metadata: Metadata
    created_at: str | None
    updated_at: str | None
    scim_registration: dict[str, Any] | None = None
    external_id: str
    lock_created_at: str | None = None
    lock_expires_at: str | None = None


class OrganizationResponse(StytchResponse):
    organization: OrganizationOut


class DeleteOrganizationResponse(StytchResponse):
    organization_id: str


class OrganizationMetricsResponse(StytchResponse):
    member_count: int


class SearchOrganizationsResponse(StytchResponse):
    organizations: list[OrganizationOut]
    results_metadata: ResultsMetadata


class MemberResponse(StytchResponse):
    member_id: str
    member: MemberOut
    organization: OrganizationOut


class UnlinkRetiredEmailResponse(MemberResponse):
    organization_id: str


class DeleteMemberResponse(StytchResponse):
    member_id: str


class SearchMembersResponse(StytchResponse):
    members: list[MemberOut]
    results_metadata: ResultsMetadata
    organizations: dict[str, OrganizationOut]


def organization_out(view: OrganizationView) -> OrganizationOut:
    """The SDK's `Organization` model for a stored organization (validated in one pass over plain
    values, which copies every list and dict)."""
    org = view.organization
    return OrganizationOut.model_validate(
        {
            "organization_id": org.organization_id,
            "organization_name": org.organization_name,
            "organization_logo_url": org.organization_logo_url,
            "organization_slug": org.organization_slug,
            "sso_jit_provisioning": org.sso_jit_provisioning,
            "sso_jit_provisioning_allowed_connections": org.sso_jit_provisioning_allowed_connections,
            "sso_active_connections": view.sso_active_connections,
            "sso_default_connection_id": org.sso_default_connection_id,
            "custom_roles": view.custom_roles,
            "email_allowed_domains": view.allowed_domains,
            "email_jit_provisioning": org.email_jit_provisioning,
            "email_invites": org.email_invites,
            "auth_methods": org.auth_methods,
            "allowed_auth_methods": org.allowed_auth_methods,
            "mfa_policy": org.mfa_policy,
            "rbac_email_implicit_role_assignments": org.rbac_email_implicit_role_assignments,
            "mfa_methods": org.mfa_methods,
            "allowed_mfa_methods": org.allowed_mfa_methods,
            "oauth_tenant_jit_provisioning": org.oauth_tenant_jit_provisioning,
            "claimed_email_domains": view.claimed_domains,
            "first_party_connected_apps_allowed_type": org.first_party_connected_apps_allowed_type,
            "allowed_first_party_connected_apps": org.allowed_first_party_connected_apps,
            "third_party_connected_apps_allowed_type": org.third_party_connected_apps_allowed_type,
            "allowed_third_party_connected_apps": org.allowed_third_party_connected_apps,
            "trusted_metadata": org.trusted_metadata,
            "created_at": rfc3339(org.created_at),
            "updated_at": rfc3339(org.updated_at),
            "organization_external_id": org.organization_external_id or "",
            "allowed_oauth_tenants": org.allowed_oauth_tenants,
        }
    )


def member_out(view: MemberView, roles: list[dict[str, Any]] | None = None) -> MemberOut:
    """The SDK's `Member` model for a stored member, with `roles` when the caller has computed them
    (`view.roles`) already (validated in one pass over plain values)."""
    member = view.member
    roles = view.roles if roles is None else roles
    return MemberOut.model_validate(
        {
            "organization_id": member.organization_id,
            "member_id": member.member_id,
            "email_address": member.email_address,
            "status": member.status,
            "name": member.name,
            "is_breakglass": member.is_breakglass,
            "member_password_id": member.member_password_id or "",
            "email_address_verified": member.email_address_verified,
            "mfa_phone_number_verified": member.mfa_phone_number_verified,
            "is_admin": ADMIN_ROLE in role_ids(roles),
            "mfa_enrolled": member.mfa_enrolled,
            "mfa_phone_number": member.mfa_phone_number,
            "default_mfa_method": member.default_mfa_method,
            "totp_registration_id": member.totp_registration_id or "",
            "roles": roles,
            "trusted_metadata": member.trusted_metadata,
            "untrusted_metadata": member.untrusted_metadata,
            "created_at": rfc3339(member.created_at),
            "updated_at": rfc3339(member.updated_at),
            "external_id": member.external_id or "",
            "retired_email_addresses": view.retired_emails,
            "sso_registrations": view.sso_registrations,
            "oauth_registrations": view.oauth_registrations,
            "is_locked": view.lock is not None,
            "lock_created_at": rfc3339(view.lock.created_at) if view.lock is not None else None,
            "lock_expires_at": rfc3339(view.lock.expires_at) if view.lock is not None else None,
        }
    )


def member_response(view: MemberView, request_id: str) -> MemberResponse:
    return MemberResponse(
        request_id=request_id,
        member_id=view.member.member_id,
        member=member_out(view),
        organization=organization_out(view.organization),
    )


def member_fields(view: MemberView) -> dict[str, Any]:
    """The `member_id`, `member` and `organization` fields of a response about one member."""
    return {
        "member_id": view.member.member_id,
        "member": member_out(view),
        "organization": organization_out(view.organization),
    }
