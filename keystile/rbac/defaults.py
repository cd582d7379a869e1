"""Stytch's default RBAC policy: for B2B its `stytch.*` resources with their actions and the roles
`stytch_member` and `stytch_admin`; for consumer projects the role `stytch_user`. Every project's
policy holds them, whatever else it defines."""

from __future__ import annotations

from typing import Final

from keystile.rbac.model import WILDCARD, Permission, Policy, Resource, Role

STYTCH_PREFIX: Final = "stytch"
MEMBER_ROLE: Final = "stytch_member"
ADMIN_ROLE: Final = "stytch_admin"
USER_ROLE: Final = "stytch_user"
ORGANIZATION: Final = "stytch.organization"
MEMBER: Final = "stytch.member"
SSO: Final = "stytch.sso"
SELF: Final = "stytch.self"
SCIM: Final = "stytch.scim"
CUSTOM_ORG_ROLES: Final = "stytch.custom-org-roles"

_CRUD = ("create", "get", "update", "delete")
# The actions of Stytch's resources, as its admin portal checks them; `stytch.member` also has
# `update.info.external-id`, keystile's name for setting a member's external id (Stytch names none).
RESOURCES: Final = (
    Resource(
        ORGANIZATION,
        "Access controls for the Organization.",
        (
            "update.info.name",
            "update.info.slug",
            "update.info.logo-url",
            "update.settings.allowed-auth-methods",
            "update.settings.allowed-mfa-methods",
            "update.settings.email-jit-provisioning",
            "update.settings.email-invites",
            "update.settings.allowed-domains",
            "update.settings.default-sso-connection",
            "update.settings.sso-jit-provisioning",
            "update.settings.mfa-policy",
            "update.settings.implicit-roles",
            "update.settings.oauth-tenant-jit-provisioning",
            "update.settings.allowed-oauth-tenants",
            "get.connected-apps",
            "delete",
        ),
    ),
    Resource(
        MEMBER,
        "Access controls for all Members in the Organization.",
        (
            "create",
            "update.info.name",
            "update.info.email",
            "update.info.external-id",
            "update.info.untrusted-metadata",
            "update.info.mfa-phone",
            "update.info.delete.mfa-phone",
            "update.info.delete.mfa-totp",
            "update.info.delete.password",
            "update.info.unlink.retired-email",
            "update.settings.is-breakglass",
            "update.settings.mfa-enrolled",
            "update.settings.default-mfa-method",
            "update.settings.roles",
            "search",
            "delete",
            "revoke-sessions",
            "get.connected-apps",
            "revoke.connected-app",
        ),
    ),
    Resource(SSO, "Access controls for SSO Connections.", _CRUD),
    Resource(
        SELF,
        "Access controls for the logged-in Member.",
        (
            "update.info.name",
            "update.info.untrusted-metadata",
            "update.info.mfa-phone",
            "update.info.delete.mfa-phone",
            "update.info.delete.password",
            "update.info.delete.mfa-totp",
            "update.info.unlink.retired-email",
            "update.settings.mfa-enrolled",
            "update.settings.default-mfa-method",
            "delete",
            "revoke-sessions",
            "get.connected-apps",
            "revoke.connected-app",
        ),
    ),
    Resource(SCIM, "Access controls for SCIM Connections.", _CRUD),
    Resource(CUSTOM_ORG_ROLES, "Access controls for the Organization's custom roles.", _CRUD),
)
# Every `stytch.self` action but `update.settings.mfa-enrolled`: until B2B MFA can be completed,
# enrolment is the admin's lever only (a member could otherwise undo it, or lock itself out for good).
_MEMBER_SELF_ACTIONS = tuple(a for a in RESOURCES[3].actions if a != "update.settings.mfa-enrolled")
B2B_ROLES: Final = (
    Role(
        MEMBER_ROLE,
        "Granted to every Member: manage one's own Member.",
        (Permission(SELF, _MEMBER_SELF_ACTIONS),),
    ),
    Role(
        ADMIN_ROLE,
        "Granted to the Member who creates the Organization: every action on Stytch's resources.",
        tuple(Permission(resource.resource_id, (WILDCARD,)) for resource in RESOURCES),
    ),
)
CONSUMER_ROLES: Final = (Role(USER_ROLE, "Granted to every User.", ()),)


def default_policy(vertical: str) -> Policy:
    """The policy of a project that has set none."""
    if vertical == "b2b":
        return Policy(RESOURCES, B2B_ROLES)
    return Policy((), CONSUMER_ROLES)
