"""An RBAC policy as Stytch shapes it (resources with their actions, roles and scopes granting actions
on resources), its JSON document, and how a set of roles is evaluated against it (`*`: every action)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

WILDCARD = "*"


@dataclass(frozen=True)
class Resource:
    resource_id: str
    description: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Permission:
    resource_id: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    role_id: str
    description: str
    permissions: tuple[Permission, ...]


@dataclass(frozen=True)
class Scope:
    scope: str
    description: str
    permissions: tuple[Permission, ...]


def _permissions_document(permissions: Iterable[Permission]) -> list[dict[str, Any]]:
    return [{"resource_id": p.resource_id, "actions": list(p.actions)} for p in permissions]


def _permissions_of(items: Iterable[dict[str, Any]]) -> tuple[Permission, ...]:
    return tuple(Permission(item["resource_id"], tuple(item["actions"])) for item in items)


def role_of(item: dict[str, Any]) -> Role:
    """A role from a document keystile validated when it was stored."""
    return Role(item["role_id"], item["description"], _permissions_of(item["permissions"]))


def policy_of(document: dict[str, Any]) -> Policy:
    """A policy from a document keystile validated when it was stored."""
    return Policy(
        tuple(
            Resource(r["resource_id"], r["description"], tuple(r["actions"])) for r in document["resources"]
        ),
        tuple(role_of(item) for item in document["roles"]),
        tuple(
            Scope(s["scope"], s["description"], _permissions_of(s["permissions"])) for s in document["scopes"]
        ),
    )


def role_document(role: Role) -> dict[str, Any]:
    return {
        "role_id": role.role_id,
        "description": role.description,
        "permissions": _permissions_document(role.permissions),
    }


@dataclass(frozen=True)
class Policy:
    resources: tuple[Resource, ...]
    roles: tuple[Role, ...]
    scopes: tuple[Scope, ...] = ()

    def document(self) -> dict[str, Any]:
        """The policy as Stytch's API and the SDKs' policy caches read it."""
        return {
            "resources": [
                {"resource_id": r.resource_id, "description": r.description, "actions": list(r.actions)}
                for r in self.resources
            ],
            "roles": [role_document(role) for role in self.roles],
            "scopes": [
                {
                    "scope": s.scope,
                    "description": s.description,
                    "permissions": _permissions_document(s.permissions),
                }
                for s in self.scopes
            ],
        }

    def with_roles(self, extra: Iterable[Role]) -> Policy:
        """This policy with an organization's custom roles added (as the SDKs merge them)."""
        return replace(self, roles=(*self.roles, *extra))

    @cached_property
    def actions(self) -> dict[str, frozenset[str]]:
        """Each resource's actions."""
        return {resource.resource_id: frozenset(resource.actions) for resource in self.resources}

    @cached_property
    def role_ids(self) -> frozenset[str]:
        return frozenset(role.role_id for role in self.roles)

    @cached_property
    def grants(self) -> dict[str, dict[str, frozenset[str]]]:
        """role_id -> resource_id -> the actions the role may take on it (`*` kept as such)."""
        table: dict[str, dict[str, frozenset[str]]] = {}
        for role in self.roles:
            by_resource = table.setdefault(role.role_id, {})
            for permission in role.permissions:
                found = by_resource.get(permission.resource_id, frozenset())
                by_resource[permission.resource_id] = found | frozenset(permission.actions)
        return table

    def defines(self, resource_id: str, action: str) -> bool:
        """Whether `action` is one of the resource's actions (or `*`)."""
        actions = self.actions.get(resource_id)
        return actions is not None and (action in actions or action == WILDCARD)

    def granting_roles(self, role_ids: Collection[str], resource_id: str, action: str) -> list[str]:
        """Those of `role_ids` that grant `action` on the resource, as the SDKs decide it."""
        granting = []
        for role_id in role_ids:
            granted = self.grants.get(role_id, {}).get(resource_id)
            if granted is not None and (action in granted or WILDCARD in granted):
                granting.append(role_id)
        return granting

    def permits(self, role_ids: Collection[str], resource_id: str, action: str) -> bool:
        """Whether one of `role_ids` grants `action` on the resource."""
        return bool(self.granting_roles(role_ids, resource_id, action))
