"""Queries for sessions and signing keys; every call is scoped to one project."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.project_rows import ProjectScoped, joined_on, matching
from keystile.identity.models import User
from keystile.sessions.models import Session, SessionColumns, SigningKey


def session_key(token_digest: str | None, session_id: str | None) -> dict[str, str | None]:
    """The column value naming one session: its token digest or, without one, its id."""
    return {"token_digest": token_digest} if token_digest is not None else {"session_id": session_id}


class SessionRepository(ProjectScoped):
    """Reads and writes the sessions of one project."""

    async def active_with_user(
        self, *, now: datetime, token_digest: str | None = None, session_id: str | None = None
    ) -> tuple[Session, User] | None:
        """The unexpired session with this token digest or id, and its user, in one query."""
        row = (
            await self.db.execute(
                select(Session, User)
                .join(User, joined_on(User, Session, "user_id"))
                .where(
                    *matching(Session, self.project_id, **session_key(token_digest, session_id)),
                    Session.expires_at > now,
                )
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def active_for_user(self, user_id: str, *, now: datetime) -> list[Session]:
        """The unexpired sessions of the user with this user_id (never an external id), oldest first."""
        sessions = await self.db.scalars(
            select(Session)
            .where(
                Session.project_id == self.project_id,
                Session.user_id == user_id,
                Session.expires_at > now,
            )
            .order_by(Session.started_at, Session.session_id)
        )
        return list(sessions)

    async def delete(self, *, token_digest: str | None = None, session_id: str | None = None) -> bool:
        """Delete the session with this token digest or id; False when there was none."""
        return await self.delete_by(Session, **session_key(token_digest, session_id)) > 0

    async def update(self, session_id: str, changes: dict[str, Any]) -> None:
        """Write `changes` (column name to value) to the session with this id."""
        await update_session(self.db, Session, self.project_id, session_id, changes)


async def update_session(
    db: AsyncSession, model: type[SessionColumns], project_id: str, session_id: str, changes: dict[str, Any]
) -> None:
    """Write `changes` (column name to value) to the project's session of any kind with this id."""
    await db.execute(
        update(model).where(model.project_id == project_id, model.session_id == session_id).values(changes)
    )


class SigningKeyRepository(ProjectScoped):
    """Reads and writes the signing keys of one project."""

    async def all(self, *, locking: bool = False) -> Sequence[SigningKey]:
        """Every key of the project, oldest generation first.

        `locking` reads the latest committed rows even inside an older snapshot (MySQL's repeatable
        read), which is what a re-read after losing an insert race needs.
        """
        query = (
            select(SigningKey).where(SigningKey.project_id == self.project_id).order_by(SigningKey.generation)
        )
        if locking:
            query = query.with_for_update(read=True)
        return (await self.db.scalars(query)).all()
