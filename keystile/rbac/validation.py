"""Reading a policy document (`keystile rbac policy set`, an organization's custom roles) into a
`Policy`: shapes and sizes, unique ids, Stytch's resources and roles kept, and every permission naming
a defined resource and actions of it. Anything else is `invalid_rbac_policy`, saying what and where."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from keystile.errors import KeystileError
from keystile.rbac import defaults
from keystile.rbac.model import WILDCARD, Permission, Policy, Resource, Role, Scope
from keystile.text import has_control_characters

IDENTIFIER: Final = re.compile(r"^[A-Za-z0-9._:/-]{1,128}$")
DESCRIPTION_MAX, LIST_MAX = 1024, 100


def _invalid(message: str) -> KeystileError:
    return KeystileError("invalid_rbac_policy", message)


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(f"{where} must be a JSON object.")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > LIST_MAX:
        raise _invalid(f"{where} must be a list of at most {LIST_MAX} items.")
    return value


def _identifier(value: object, where: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise _invalid(f"{where} must be 1 to 128 letters, digits, '.', '_', ':', '/' or '-'.")
    return value


def _description(value: object, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > DESCRIPTION_MAX or has_control_characters(value):
        raise _invalid(f"{where} must be text of at most {DESCRIPTION_MAX} characters.")
    return value


def _unique(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for found in ids:
        if found in seen:
            raise _invalid(f"{what} {found!r} is defined twice.")
        seen.add(found)


def _resource(value: object, index: int) -> Resource:
    item = _object(value, f"resources[{index}]")
    resource_id = _identifier(item.get("resource_id"), f"resources[{index}].resource_id")
    given = _list(item.get("actions"), "actions")
    if WILDCARD in given:
        raise _invalid(f"{resource_id}: '*' is not an action of its own; roles use it for every action.")
    actions = [_identifier(action, f"{resource_id}'s actions") for action in given]
    _unique(actions, f"{resource_id}'s action")
    return Resource(resource_id, _description(item.get("description"), resource_id), tuple(actions))


def _permissions(value: object, owner: str, resources: Mapping[str, Resource]) -> tuple[Permission, ...]:
    permissions = []
    for index, raw in enumerate(_list(value, f"{owner}'s permissions")):
        item = _object(raw, f"{owner}'s permissions[{index}]")
        resource_id = _identifier(item.get("resource_id"), f"{owner}'s permissions[{index}].resource_id")
        resource = resources.get(resource_id)
        if resource is None:
            raise _invalid(
                f"{owner} grants actions on {resource_id!r}, which is not a resource of the policy."
            )
        actions = [
            action if action == WILDCARD else _identifier(action, f"{owner}'s actions")
            for action in _list(item.get("actions"), "actions")
        ]
        if not actions:
            raise _invalid(f"{owner} grants no action on {resource_id}.")
        if WILDCARD in actions and len(actions) > 1:
            raise _invalid(f"{owner}: '*' must be the only action granted on {resource_id}.")
        unknown = [action for action in actions if action != WILDCARD and action not in resource.actions]
        if unknown:
            raise _invalid(f"{owner} grants {unknown[0]!r}, which is not an action of {resource_id}.")
        permissions.append(Permission(resource_id, tuple(dict.fromkeys(actions))))
    return tuple(permissions)


def _role(value: object, index: int, resources: Mapping[str, Resource]) -> Role:
    item = _object(value, f"roles[{index}]")
    role_id = _identifier(item.get("role_id"), f"roles[{index}].role_id")
    description = _description(item.get("description"), role_id)
    return Role(role_id, description, _permissions(item.get("permissions", []), role_id, resources))


def _scope(value: object, index: int, resources: Mapping[str, Resource]) -> Scope:
    item = _object(value, f"scopes[{index}]")
    scope = _identifier(item.get("scope"), f"scopes[{index}].scope")
    description = _description(item.get("description"), scope)
    return Scope(scope, description, _permissions(item.get("permissions", []), scope, resources))


def _custom_resources(given: list[Resource], stytch_resources: tuple[Resource, ...]) -> list[Resource]:
    """The project's own resources; Stytch's may be repeated as they are, but not changed."""
    own = {resource.resource_id: resource for resource in stytch_resources}
    custom = []
    for resource in given:
        if resource.resource_id.startswith(defaults.STYTCH_PREFIX):
            stytch = own.get(resource.resource_id)
            if stytch is None or set(resource.actions) != set(stytch.actions):
                raise _invalid(
                    f"{resource.resource_id}: resource ids starting with 'stytch' are Stytch's own, "
                    "and their actions cannot be changed."
                )
            continue
        custom.append(resource)
    return custom


def parse_policy(document: object, vertical: str) -> Policy:
    """A project's policy from its JSON document; Stytch's resources and default roles are added when
    missing (a default role given keeps the permissions given)."""
    doc = _object(document, "The policy")
    base = defaults.default_policy(vertical)
    given = [
        _resource(item, index) for index, item in enumerate(_list(doc.get("resources", []), "resources"))
    ]
    resources = (*base.resources, *_custom_resources(given, base.resources))
    _unique((resource.resource_id for resource in resources), "Resource")
    by_id = {resource.resource_id: resource for resource in resources}
    roles = [_role(item, index, by_id) for index, item in enumerate(_list(doc.get("roles", []), "roles"))]
    _unique((role.role_id for role in roles), "Role")
    for role in roles:
        if role.role_id.startswith(defaults.STYTCH_PREFIX) and role.role_id not in base.role_ids:
            raise _invalid(f"{role.role_id}: role ids starting with 'stytch' are Stytch's own.")
    named = {role.role_id for role in roles}
    roles = [*(role for role in base.roles if role.role_id not in named), *roles]
    scopes = [_scope(item, index, by_id) for index, item in enumerate(_list(doc.get("scopes", []), "scopes"))]
    _unique((scope.scope for scope in scopes), "Scope")
    return Policy(tuple(resources), tuple(roles), tuple(scopes))


def parse_organization_roles(document: object, project: Policy) -> tuple[Role, ...]:
    """An organization's custom roles (`org_policy`): new role ids, permissions on the project's
    resources."""
    doc = _object(document, "org_policy")
    by_id = {resource.resource_id: resource for resource in project.resources}
    roles = [_role(item, index, by_id) for index, item in enumerate(_list(doc.get("roles", []), "roles"))]
    _unique((role.role_id for role in roles), "Role")
    for role in roles:
        if role.role_id in project.role_ids or role.role_id.startswith(defaults.STYTCH_PREFIX):
            raise _invalid(f"Role {role.role_id!r} is already defined in the project's RBAC policy.")
    return tuple(roles)
