"""What the provider keeps about a grant, erased with it: authorization codes, token families and their
refresh tokens, when the grant is revoked or its client deleted, and the grants themselves too when the
user, the member or the organization is deleted. Access tokens already issued then introspect as
inactive (their family is gone)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.connected_apps.models import ConnectedAppGrant
from keystile.db.project_rows import ProjectScoped, matching
from keystile.idp.models import IdpAuthorizationCode, IdpRefreshToken, IdpTokenFamily


async def _erase(db: AsyncSession, project_id: str, *, grants: bool, **match: Any) -> None:
    """Delete the codes, families and refresh tokens (and with `grants`, the grants) whose columns hold
    `match` (`subject_id`, `client_id`, `organization_id`: columns of all of them)."""
    families = select(IdpTokenFamily.family_id).where(*matching(IdpTokenFamily, project_id, **match))
    await db.execute(
        delete(IdpRefreshToken)
        .where(IdpRefreshToken.project_id == project_id, IdpRefreshToken.family_id.in_(families))
        .execution_options(synchronize_session=False)
    )
    scoped = ProjectScoped(db, project_id)
    for model in (IdpAuthorizationCode, IdpTokenFamily, *((ConnectedAppGrant,) if grants else ())):
        await scoped.delete_by(model, **match)


async def erase_grant_tokens(
    db: AsyncSession, project_id: str, client_id: str, subject_id: str | None
) -> None:
    """What was issued under the subject's grant to the client (every subject's, without one)."""
    match = {"client_id": client_id} | ({"subject_id": subject_id} if subject_id is not None else {})
    await _erase(db, project_id, grants=False, **match)


async def erase_subject(db: AsyncSession, project_id: str, subject_id: str) -> None:
    """Every grant of a deleted user or member, and what was issued under them."""
    await _erase(db, project_id, grants=True, subject_id=subject_id)


async def erase_organization(db: AsyncSession, project_id: str, organization_id: str) -> None:
    """Every grant of a deleted organization's members, and what was issued under them."""
    await _erase(db, project_id, grants=True, organization_id=organization_id)
