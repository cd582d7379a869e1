"""An organization with its email domains and active SSO connections, and a member with its
organization, as the API shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from keystile.b2b import policy
from keystile.b2b.models import Member, Organization
from keystile.identity.views import ActiveLock


@dataclass
class OrganizationView:
    organization: Organization
    allowed_domains: list[str] = field(default_factory=list)
    claimed_domains: list[str] = field(default_factory=list)
    # Stytch's ActiveSSOConnection objects: {"connection_id", "display_name", "identity_provider"}
    sso_active_connections: list[dict[str, str]] = field(default_factory=list)
    # The organization's RBAC policy roles: Stytch's CustomRole objects.
    custom_roles: list[dict[str, Any]] = field(default_factory=list)

    @property
    def organization_id(self) -> str:
        return self.organization.organization_id

    def admits_by_email_domain(self, email: str) -> bool:
        return policy.may_join_by_email_domain(
            self.organization.email_jit_provisioning, self.allowed_domains, email
        )

    def roles_of(self, member: Member) -> list[dict[str, Any]]:
        """The member's roles in this organization, with their sources."""
        return policy.member_roles(
            member.roles,
            member.email_address,
            self.organization.rbac_email_implicit_role_assignments,
            member.sso_role_sources,
        )


@dataclass
class MemberView:
    member: Member
    organization: OrganizationView
    # The member's lock, where the caller looked it up (`member_locks.with_locks`).
    lock: ActiveLock | None = None
    # The member's retired addresses ({"email_id", "email_address"}), where the caller looked them up
    # (`retired_emails.with_retired_emails`).
    retired_emails: list[dict[str, str]] = field(default_factory=list)
    # The member's SSO registrations as the SDK shows them, where the caller looked them up
    # (`sso.registrations.with_sso_registrations`).
    sso_registrations: list[dict[str, Any]] = field(default_factory=list)
    # The member's OAuth registrations as the SDK shows them, where the caller looked them up
    # (`oauth_registrations.with_oauth_registrations`).
    oauth_registrations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def roles(self) -> list[dict[str, Any]]:
        return self.organization.roles_of(self.member)

    @property
    def role_ids(self) -> list[str]:
        return policy.role_ids(self.roles)
