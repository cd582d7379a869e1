"""Use cases for RBAC policies: read and set a project's policy and an organization's custom roles,
the policy in force for an organization, and checks of roles against it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import ErrorType, KeystileError
from keystile.rbac import defaults
from keystile.rbac.model import Policy, Role, policy_of, role_document, role_of
from keystile.rbac.models import PROJECT_POLICY
from keystile.rbac.repository import PolicyRepository
from keystile.rbac.validation import parse_organization_roles, parse_policy


def _policy(documents: dict[str, dict[str, Any]], vertical: str) -> Policy:
    stored = documents.get(PROJECT_POLICY)
    return policy_of(stored) if stored is not None else defaults.default_policy(vertical)


def _roles(documents: dict[str, dict[str, Any]], organization_id: str) -> tuple[Role, ...]:
    stored = documents.get(organization_id)
    return tuple(role_of(item) for item in stored["roles"]) if stored is not None else ()


async def project_policy(db: AsyncSession, project_id: str, vertical: str) -> Policy:
    """The project's policy: the one it set, or Stytch's default one."""
    return _policy(await PolicyRepository(db, project_id).documents(), vertical)


async def set_project_policy(
    db: AsyncSession, project_id: str, vertical: str, document: object, *, now: datetime
) -> Policy:
    """Replace the project's policy with `document` (validated; Stytch's defaults are kept)."""
    policy = parse_policy(document, vertical)
    await PolicyRepository(db, project_id).put(PROJECT_POLICY, policy.document(), now)
    return policy


async def organization_roles(db: AsyncSession, project_id: str, organization_id: str) -> tuple[Role, ...]:
    """The organization's custom roles (none until it sets some)."""
    repo = PolicyRepository(db, project_id)
    return _roles(await repo.documents(organization_id), organization_id)


def custom_role_documents(stored: dict[str, Any]) -> list[dict[str, Any]]:
    """An organization's stored custom roles (its document) as Stytch's `custom_roles` shows them."""
    return [role_document(role_of(item)) for item in stored["roles"]]


async def set_organization_roles(
    db: AsyncSession, project_id: str, vertical: str, organization_id: str, document: object, *, now: datetime
) -> tuple[Role, ...]:
    """Replace the organization's custom roles with those of `document` (an `org_policy`)."""
    roles = parse_organization_roles(document, await project_policy(db, project_id, vertical))
    stored = {"roles": [role_document(role) for role in roles]}
    await PolicyRepository(db, project_id).put(organization_id, stored, now)
    return roles


async def effective_policy(
    db: AsyncSession, project_id: str, vertical: str, organization_id: str | None = None
) -> Policy:
    """The policy in force: the project's, with the organization's custom roles (one query)."""
    documents = await PolicyRepository(db, project_id).documents(organization_id)
    policy = _policy(documents, vertical)
    return policy.with_roles(_roles(documents, organization_id)) if organization_id else policy


def check_authorization(
    policy: Policy, role_ids: Collection[str], resource_id: str, action: str, *, refusal: ErrorType
) -> list[str]:
    """The roles of `role_ids` that grant `action` on the resource; refused with `refusal` (403) when
    none does; a resource or action the policy does not define is a 400."""
    if not policy.defines(resource_id, action):
        raise KeystileError(
            "invalid_authorization_check",
            f"The RBAC policy defines no action {action!r} on a resource {resource_id!r}.",
        )
    granting = policy.granting_roles(role_ids, resource_id, action)
    if not granting:
        raise KeystileError(refusal)
    return granting


def check_role_ids(policy: Policy, role_ids: Collection[str]) -> None:
    """Refuse role ids the policy does not define (`invalid_rbac_role_id`)."""
    unknown = [role_id for role_id in role_ids if role_id not in policy.role_ids]
    if unknown:
        raise KeystileError(
            "invalid_rbac_role_id",
            f"Role {unknown[0]!r} is defined neither in the project's RBAC policy nor in the "
            "organization's custom roles.",
        )
