"""Units of work: one database transaction per request or command, committed only at its end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keystile.db.engine import DEADLINE
from keystile.errors import CommittedRefusal


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[Any]) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed on success, rolled back on any error except a
    `CommittedRefusal`, which is raised once the transaction has committed.

    The transaction begins with the session's first use (SQLAlchemy's autobegin). A unit of work that
    never used its session ends without a round of BEGIN, COMMIT and close, which would cost more
    than a request that only reads the caches or sends its one query straight to the driver
    (`keystile.db.direct_reads`).

    Everything inside, from taking a pooled connection to the COMMIT, must end within the sessions'
    deadline (`session_factory`); past it the work is cancelled, the transaction rolled back (its
    connection is discarded) and `TimeoutError` raised, which the API answers with a 503. Only a
    COMMIT already on its way to the database when the deadline passes can still take effect."""
    refusal: CommittedRefusal | None = None
    session = sessions()
    committed = False
    try:
        async with asyncio.timeout(session.info.get(DEADLINE)):
            try:
                yield session
            except CommittedRefusal as error:
                refusal = error
            if session.in_transaction():
                await session.commit()
                session.expunge_all()  # detached afterwards, as closing the session would leave them
            committed = True
    finally:
        if not committed:
            async with session:  # closing rolls back, to completion even if this task is cancelled
                pass
    if refusal is not None:
        raise refusal


def violated_constraint(error: IntegrityError) -> str:
    """The text of the database's complaint, for mapping a unique violation to an error type."""
    return str(error.orig).lower()
