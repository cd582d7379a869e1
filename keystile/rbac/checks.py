"""`authorization_check` on a session: may the session's roles take an action on a resource, decided
from the policy in force as the `PolicyCache` holds it, and the verdict Stytch answers with."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import ErrorType
from keystile.rbac.cache import PolicyCache
from keystile.rbac.service import check_authorization


@dataclass(frozen=True)
class AuthorizationCheck:
    """What a caller asks about a session; B2B checks also name the session's organization."""

    resource_id: str
    action: str
    organization_id: str | None = None


@dataclass(frozen=True)
class Verdict:
    granting_roles: list[str]

    def document(self) -> dict[str, Any]:
        """Stytch's `verdict` (always authorized: a refusal is an error)."""
        return {"authorized": True, "granting_roles": self.granting_roles}


async def authorize_roles(
    db: AsyncSession,
    policies: PolicyCache,
    *,
    project_id: str,
    vertical: str,
    roles: Collection[str],
    check: AuthorizationCheck,
) -> Verdict:
    """The verdict on `check` for a session with `roles`, or Stytch's 403 for the vertical."""
    policy = await policies.policy(db, project_id, vertical, check.organization_id)
    refusal: ErrorType = (
        "session_authorization_error" if vertical == "b2b" else "consumer_session_authorization_error"
    )
    return Verdict(check_authorization(policy, roles, check.resource_id, check.action, refusal=refusal))
