"""Units of work: one database transaction per request or command, committed only at its end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keystile.errors import CommittedRefusal


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[Any]) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed on success, rolled back on any error except a
    `CommittedRefusal`, which is raised once the transaction has committed."""
    refusal: CommittedRefusal | None = None
    async with sessions() as session, session.begin():
        try:
            yield session
        except CommittedRefusal as error:
            refusal = error
    if refusal is not None:
        raise refusal


def violated_constraint(error: IntegrityError) -> str:
    """The text of the database's complaint, for mapping a unique violation to an error type."""
    return str(error.orig).lower()
