"""Exporting a project's users in the import format, page by page in creation order; password hashes
only when asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.factors.passwords.models import UserPassword
from keystile.factors.passwords.repository import stored_hash
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.portability.records import UserRecord, as_fields
from keystile.portability.repository import PortabilityRepository

PAGE_SIZE = 1000


def _record(view: UserView, password: UserPassword | None) -> UserRecord:
    """The user's first email and phone, as the one-of-each import format holds them."""
    user = view.user
    email = view.emails[0] if view.emails else None
    phone = view.phones[0] if view.phones else None
    return UserRecord(
        email=email.email if email else None,
        email_verified=bool(email and email.verified),
        phone_number=phone.phone_number if phone else None,
        phone_verified=bool(phone and phone.verified),
        name={"first_name": user.first_name, "middle_name": user.middle_name, "last_name": user.last_name},
        external_id=user.external_id,
        trusted_metadata=dict(user.trusted_metadata),
        untrusted_metadata=dict(user.untrusted_metadata),
        roles=list(user.roles),
        status=user.status,
        created_at=user.created_at,
        password=stored_hash(password) if password is not None else None,
    )


async def export_users(
    db: AsyncSession, project_id: str, *, include_password_hashes: bool, now: datetime
) -> AsyncIterator[dict[str, Any]]:
    """Every user of the project as an import record (JSON Lines shape)."""
    repo = UserRepository(db, project_id)
    after = None
    while True:
        users, _ = await repo.search([], after=after, limit=PAGE_SIZE)
        if not users:
            return
        passwords = (
            await PortabilityRepository(db, project_id).passwords([u.user_id for u in users])
            if include_password_hashes
            else {}
        )
        for view in await repo.views(users, now):
            record = _record(view, passwords.get(view.user.user_id))
            yield as_fields(record, include_password=include_password_hashes)
        after = (users[-1].created_at, users[-1].user_id)
