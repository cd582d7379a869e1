"""What a member session may do when an admin call is made with it (the SDKs' `method_options`): the
action each call and each field needs, on `stytch.organization`, `stytch.member` or `stytch.self` (the
acting member itself), decided on the policy in force for the member's organization."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from keystile.b2b.views import MemberView
from keystile.errors import KeystileError
from keystile.rbac.defaults import MEMBER, SELF
from keystile.rbac.model import WILDCARD, Policy

CREATE, DELETE, SEARCH = "create", "delete", "search"
# What a member session needs to change each field of a member (`update_member`); None: no member
# session may, only the backend (Stytch: trusted metadata cannot be updated when acting as a member).
MEMBER_UPDATE_ACTIONS: Final[Mapping[str, str | None]] = {
    "name": "update.info.name",
    "untrusted_metadata": "update.info.untrusted-metadata",
    "mfa_phone_number": "update.info.mfa-phone",
    "default_mfa_method": "update.settings.default-mfa-method",
    "mfa_enrolled": "update.settings.mfa-enrolled",
    "is_breakglass": "update.settings.is-breakglass",
    "roles": "update.settings.roles",
    "email_address": "update.info.email",
    "external_id": "update.info.external-id",
    "trusted_metadata": None,
}
# The same for an organization's fields, as the SDK documents them. Those Stytch names no action for
# need every action on `stytch.organization` (`*`: a role granted all of them, as stytch_admin is).
ORGANIZATION_UPDATE_ACTIONS: Final[Mapping[str, str | None]] = {
    "organization_name": "update.info.name",
    "organization_slug": "update.info.slug",
    "organization_logo_url": "update.info.logo-url",
    "organization_external_id": WILDCARD,
    "trusted_metadata": None,
    "sso_jit_provisioning": "update.settings.sso-jit-provisioning",
    "sso_jit_provisioning_allowed_connections": "update.settings.sso-jit-provisioning",
    "email_allowed_domains": "update.settings.allowed-domains",
    "email_jit_provisioning": "update.settings.email-jit-provisioning",
    "email_invites": "update.settings.email-invites",
    "auth_methods": "update.settings.allowed-auth-methods",
    "allowed_auth_methods": "update.settings.allowed-auth-methods",
    "mfa_policy": "update.settings.mfa-policy",
    "rbac_email_implicit_role_assignments": "update.settings.implicit-roles",
    "mfa_methods": "update.settings.allowed-mfa-methods",
    "allowed_mfa_methods": "update.settings.allowed-mfa-methods",
    "oauth_tenant_jit_provisioning": "update.settings.oauth-tenant-jit-provisioning",
    "allowed_oauth_tenants": "update.settings.allowed-oauth-tenants",
    "claimed_email_domains": WILDCARD,
    "first_party_connected_apps_allowed_type": WILDCARD,
    "allowed_first_party_connected_apps": WILDCARD,
    "third_party_connected_apps_allowed_type": WILDCARD,
    "allowed_third_party_connected_apps": WILDCARD,
    "sso_default_connection_id": "update.settings.default-sso-connection",
}


def _refusal(what: str, action: str | None, resource_id: str) -> KeystileError:
    if action is None:
        return KeystileError("session_authorization_error", f"{what}: the backend alone may do this.")
    needed = "every action" if action == WILDCARD else f"the {action} action"
    return KeystileError("session_authorization_error", f"{what} needs {needed} on {resource_id}.")


@dataclass(frozen=True)
class Actor:
    """A member acting through its session, with the policy in force for its organization."""

    member: MemberView
    policy: Policy
    role_ids: list[str]  # those its session holds (`policy.session_roles`)

    @property
    def member_id(self) -> str:
        return self.member.member.member_id

    def may(self, resource_id: str, action: str) -> bool:
        return self.policy.permits(self.role_ids, resource_id, action)

    def require(self, resource_id: str, actions: Iterable[str | None], *, what: str) -> None:
        """Refuse (Stytch's 403) unless the member's roles grant each action on the resource (None: an
        action no member session may take)."""
        for action in actions:
            if action is None or not self.may(resource_id, action):
                raise _refusal(what, action, resource_id)

    def require_on_member(self, member_id: str, actions: Iterable[str | None], *, what: str) -> None:
        """Stytch's rule for a call on one member: each action on `stytch.member`, or, when that member
        is the actor itself, the same action on `stytch.self`."""
        for action in actions:
            on_self = member_id == self.member_id and action is not None and self.may(SELF, action)
            if not on_self:
                self.require(MEMBER, [action], what=what)


def organization_actions(fields: Iterable[str]) -> list[str | None]:
    return [ORGANIZATION_UPDATE_ACTIONS[field] for field in fields]


def member_actions(fields: Iterable[str]) -> list[str | None]:
    return [MEMBER_UPDATE_ACTIONS[field] for field in fields]
