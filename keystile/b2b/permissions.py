"""What a member session may do to a member: the action each member field needs to change, on
`stytch.self` (the acting member) or `stytch.member` (any member of its organization)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Final

from keystile.errors import KeystileError
from keystile.rbac.defaults import MEMBER, SELF, default_policy

# Until member sessions are checked against each project's own policy: Stytch's default one.
_DEFAULT_POLICY: Final = default_policy("b2b")

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
    return _DEFAULT_POLICY.permits(roles, resource, action)


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
