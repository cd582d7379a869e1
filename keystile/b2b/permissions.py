"""Stytch's default RBAC roles over its own resources, `stytch.self` (the acting member) and
`stytch.member` (any member of its organization), and the action each member field needs to change."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Final

from keystile.b2b.policy import ADMIN_ROLE, MEMBER_ROLE
from keystile.errors import KeystileError

SELF: Final = "stytch.self"
MEMBER: Final = "stytch.member"

# Stytch's default `stytch.self` actions, less `update.settings.mfa-enrolled`: until B2B MFA can be
# completed, MFA enrolment is the admin's lever only (a member could otherwise undo it, or lock
# itself out for good by setting it).
_SELF_ACTIONS: Final = frozenset(
    {
        "update.info.name",
        "update.info.untrusted-metadata",
        "update.info.mfa-phone",
        "update.info.delete.mfa-phone",
        "update.info.delete.password",
        "update.info.delete.mfa-totp",
        "update.settings.default-mfa-method",
        "delete",
        "revoke-sessions",
    }
)
# Stytch's default `stytch.member` actions, plus `update.info.external-id`, keystile's name for the
# right to set an external id (Stytch names none; only the admin has it).
_MEMBER_ACTIONS: Final = frozenset(
    {
        "create",
        "update.info.name",
        "update.info.email",
        "update.info.external-id",
        "update.info.untrusted-metadata",
        "update.info.mfa-phone",
        "update.info.delete.mfa-phone",
        "update.info.delete.mfa-totp",
        "update.info.delete.password",
        "update.settings.is-breakglass",
        "update.settings.mfa-enrolled",
        "update.settings.default-mfa-method",
        "update.settings.roles",
        "search",
        "delete",
        "revoke-sessions",
    }
)

DEFAULT_ROLES: Final[Mapping[str, Mapping[str, frozenset[str]]]] = {
    MEMBER_ROLE: {SELF: _SELF_ACTIONS},
    ADMIN_ROLE: {SELF: _SELF_ACTIONS, MEMBER: _MEMBER_ACTIONS},
}

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


def permits(roles: Collection[str], resource: str, action: str) -> bool:
    return any(action in DEFAULT_ROLES.get(role, {}).get(resource, frozenset()) for role in roles)


def may_act_on_member(roles: Collection[str], action: str, *, on_self: bool) -> bool:
    """Stytch's rule: the action on `stytch.member`, or, when the target is the acting member itself,
    the same action on `stytch.self`."""
    return permits(roles, MEMBER, action) or (on_self and permits(roles, SELF, action))


def check_member_action(roles: Collection[str], action: str, *, on_self: bool, what: str) -> None:
    """Refuse, as Stytch does, a member session whose roles do not allow `action` (for `what`)."""
    if not may_act_on_member(roles, action, on_self=on_self):
        raise KeystileError("session_authorization_error", f"{what} needs the {action} action on {MEMBER}.")


def check_member_update(roles: Collection[str], fields: Iterable[str], *, on_self: bool) -> None:
    """Refuse, as Stytch does, a member session whose roles do not allow changing one of `fields`."""
    for field in fields:
        action = MEMBER_UPDATE_ACTIONS[field]
        if action is None:
            raise KeystileError("session_authorization_error", f"{field} is set by the backend only.")
        check_member_action(roles, action, on_self=on_self, what=f"Setting {field}")
