"""A project's session-migration setting (the OIDC userinfo URL of its former provider): set, show,
clear. Set up by `keystile projects session-migration`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.factors.session_migration.models import SessionMigrationConfig
from keystile.projects.redirects import validate_redirect_url
from keystile.projects.service import get_project


async def userinfo_config(db: AsyncSession, project_id: str) -> SessionMigrationConfig | None:
    return await db.get(SessionMigrationConfig, project_id)


async def set_userinfo_url(
    db: AsyncSession, project_id: str, url: str, now: datetime
) -> SessionMigrationConfig:
    """Point `sessions.migrate` of the project at `url` (absolute http(s))."""
    await get_project(db, project_id)
    validate_redirect_url(url)
    config = await userinfo_config(db, project_id)
    if config is None:
        config = SessionMigrationConfig(project_id=project_id, userinfo_url=url, updated_at=now)
        db.add(config)
    else:
        config.userinfo_url, config.updated_at = url, now
    await db.flush()
    return config


async def clear_userinfo_url(db: AsyncSession, project_id: str) -> None:
    """Turn session migration off: `sessions.migrate` is refused afterwards."""
    config = await userinfo_config(db, project_id)
    if config is None:
        raise KeystileError("session_migration_not_configured")
    await db.delete(config)
