"""Queries for projects, their secrets, their redirect-URL allowlist and their WebAuthn origins."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.project_rows import ProjectScoped, matching
from keystile.db.results import rows_changed
from keystile.projects.models import Project, ProjectSecret, RedirectURL, WebAuthnOrigin


class ProjectRepository:
    """Reads and writes projects and their secrets (projects span the whole database)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all(self) -> list[Project]:
        return list((await self.session.scalars(select(Project).order_by(Project.created_at))).all())

    async def get(self, project_id: str) -> Project | None:
        return await self.session.get(Project, project_id)

    async def by_public_token(self, public_token: str) -> Project | None:
        return await self.session.scalar(select(Project).where(Project.public_token == public_token))

    async def sdk_enabled(self) -> list[Project]:
        """The projects whose frontend SDK is on."""
        return list(await self.session.scalars(select(Project).where(Project.sdk_enabled.is_(True))))

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Project)) or 0)

    async def secrets(self, project_id: str) -> list[ProjectSecret]:
        query = select(ProjectSecret).where(ProjectSecret.project_id == project_id)
        return list((await self.session.scalars(query.order_by(ProjectSecret.created_at))).all())

    async def delete_secret(self, project_id: str, secret_id: str) -> None:
        await self.session.execute(
            delete(ProjectSecret).where(
                ProjectSecret.project_id == project_id, ProjectSecret.secret_id == secret_id
            )
        )

    async def by_secret_digest(self, digest: str) -> Project | None:
        """The project owning the secret with this digest: one indexed lookup."""
        return await self.session.scalar(
            select(Project)
            .join(ProjectSecret, ProjectSecret.project_id == Project.project_id)
            .where(ProjectSecret.digest == digest)
        )


class RedirectURLRepository(ProjectScoped):
    """Reads and writes the redirect-URL allowlist of one project."""

    async def of_type(self, url_type: str) -> list[RedirectURL]:
        query = select(RedirectURL).where(
            RedirectURL.project_id == self.project_id, RedirectURL.url_type == url_type
        )
        return list(await self.db.scalars(query))

    async def find(self, url_type: str, digest: str) -> RedirectURL | None:
        return await self.find_by(RedirectURL, url_type=url_type, url_digest=digest)

    async def clear_default(self, url_type: str) -> None:
        rows = await self.db.scalars(
            select(RedirectURL).where(
                RedirectURL.project_id == self.project_id,
                RedirectURL.url_type == url_type,
                RedirectURL.is_default.is_(True),
            )
        )
        for row in rows:
            row.is_default = False

    async def add(self, row: RedirectURL) -> None:
        self.db.add(row)
        await self.db.flush()

    async def all(self) -> list[RedirectURL]:
        query = select(RedirectURL).where(RedirectURL.project_id == self.project_id)
        return list((await self.db.scalars(query.order_by(RedirectURL.url, RedirectURL.url_type))).all())

    async def remove(self, digest: str, url_types: list[str]) -> int:
        """Remove the URL with this digest for `url_types`; how many rows went."""
        result = await self.db.execute(
            delete(RedirectURL).where(
                *matching(RedirectURL, self.project_id, url_digest=digest),
                RedirectURL.url_type.in_(url_types),
            )
        )
        return rows_changed(result)


class WebAuthnOriginRepository(ProjectScoped):
    """Reads and writes the WebAuthn origins of one project."""

    async def all(self) -> list[str]:
        query = select(WebAuthnOrigin.origin).where(WebAuthnOrigin.project_id == self.project_id)
        return list(await self.db.scalars(query.order_by(WebAuthnOrigin.origin)))

    async def add(self, row: WebAuthnOrigin) -> bool:
        """Add the origin unless the project has it already; whether it was new."""
        if await self.find_by(WebAuthnOrigin, origin=row.origin) is not None:
            return False
        self.db.add(row)
        await self.db.flush()
        return True

    async def remove(self, origin: str) -> int:
        return await self.delete_by(WebAuthnOrigin, origin=origin)
