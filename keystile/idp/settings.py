"""A project's provider settings: where its authorization page is, and whether dynamic client
registration (RFC 7591) is open. A project without a row has no page and no registration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.idp.models import IdpSettings
from keystile.projects.models import Project
from keystile.projects.redirects import validate_redirect_url


@dataclass(frozen=True)
class ProviderSettings:
    authorization_url: str | None = None
    dynamic_registration: bool = False

    def document(self) -> dict[str, object]:
        return {
            "authorization_url": self.authorization_url,
            "dynamic_registration": self.dynamic_registration,
        }


async def provider_settings(db: AsyncSession, project_id: str) -> ProviderSettings:
    row = await db.get(IdpSettings, project_id)
    if row is None:
        return ProviderSettings()
    return ProviderSettings(row.authorization_url, row.dynamic_registration)


async def change_settings(
    db: AsyncSession,
    project_id: str,
    *,
    authorization_url: str | None,
    dynamic_registration: bool | None,
    now: datetime,
) -> ProviderSettings:
    """Set the authorization page's URL and/or open or close dynamic registration; None keeps a value."""
    if await db.get(Project, project_id) is None:
        raise KeystileError("project_not_found")
    row = await db.get(IdpSettings, project_id, with_for_update=True)
    if row is None:
        row = IdpSettings(
            project_id=project_id, authorization_url=None, dynamic_registration=False, updated_at=now
        )
        db.add(row)
    if authorization_url is not None:
        row.authorization_url = validate_redirect_url(authorization_url)
    if dynamic_registration is not None:
        row.dynamic_registration = dynamic_registration
    row.updated_at = now
    await db.flush()
    return ProviderSettings(row.authorization_url, row.dynamic_registration)
