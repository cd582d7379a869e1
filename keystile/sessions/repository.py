"""Queries for sessions and signing keys; every call is scoped to one project."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, String, delete, literal_column, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.identity.models import User, UserEmail, UserPhone
from keystile.identity.views import UserView
from keystile.sessions.models import Session, SigningKey


def _one_session(token_digest: str | None, session_id: str | None) -> ColumnElement[bool]:
    if token_digest is not None:
        return Session.token_digest == token_digest
    return Session.session_id == session_id


class SessionRepository:
    """Reads and writes the sessions of one project."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def active_with_user(
        self, *, now: datetime, token_digest: str | None = None, session_id: str | None = None
    ) -> tuple[Session, User] | None:
        """The unexpired session with this token digest or id, and its user, in one query."""
        row = (
            await self.db.execute(
                select(Session, User)
                .join(User, (User.project_id == Session.project_id) & (User.user_id == Session.user_id))
                .where(
                    Session.project_id == self.project_id,
                    _one_session(token_digest, session_id),
                    Session.expires_at > now,
                )
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def active_for_user(self, user_ref: str, *, now: datetime) -> list[tuple[Session, User]]:
        """The unexpired sessions of the user with this id or external id, oldest first."""
        rows = await self.db.execute(
            select(Session, User)
            .join(User, (User.project_id == Session.project_id) & (User.user_id == Session.user_id))
            .where(
                Session.project_id == self.project_id,
                or_(User.user_id == user_ref, User.external_id == user_ref),
                Session.expires_at > now,
            )
            .order_by(Session.started_at, Session.session_id)
        )
        return [(row[0], row[1]) for row in rows]

    async def delete(self, *, token_digest: str | None = None, session_id: str | None = None) -> bool:
        """Delete the session with this token digest or id; False when there was none."""
        match = _one_session(token_digest, session_id)
        result = await self.db.execute(delete(Session).where(Session.project_id == self.project_id, match))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def user_view(self, user: User) -> UserView:
        """The user with its emails and phone numbers, read in one query (a UNION of both tables)."""
        emails = select(
            literal_column("'email'", String).label("kind"),
            UserEmail.email_id.label("contact_id"),
            UserEmail.email.label("contact"),
            UserEmail.verified,
            UserEmail.created_at,
        ).where(UserEmail.project_id == self.project_id, UserEmail.user_id == user.user_id)
        phones = select(
            literal_column("'phone'", String),
            UserPhone.phone_id,
            UserPhone.phone_number,
            UserPhone.verified,
            UserPhone.created_at,
        ).where(UserPhone.project_id == self.project_id, UserPhone.user_id == user.user_id)
        rows = sorted(await self.db.execute(union_all(emails, phones)), key=lambda r: (r[4], r[1]))
        view = UserView(user)
        for kind, contact_id, contact, verified, created_at in rows:
            common = {"project_id": self.project_id, "user_id": user.user_id, "created_at": created_at}
            if kind == "email":
                view.emails.append(UserEmail(email_id=contact_id, email=contact, verified=verified, **common))
            else:
                view.phones.append(
                    UserPhone(phone_id=contact_id, phone_number=contact, verified=verified, **common)
                )
        return view


class SigningKeyRepository:
    """Reads and writes the signing keys of one project."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

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
