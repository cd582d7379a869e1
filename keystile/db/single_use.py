"""Finding a single-use token's row by digest and redeeming it by one conditional UPDATE, so that
exactly one of any number of concurrent callers wins (the clock counts as a caller)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.base import Base
from keystile.db.results import rows_changed
from keystile.tokens import digest

Row = TypeVar("Row", bound=Base)


async def find(db: AsyncSession, model: type[Row], project_id: str, token: str) -> Row | None:
    """The project's row of `model` whose `token_digest` is the token's."""
    columns = model.__table__.c
    return await db.scalar(
        select(model).where(columns.project_id == project_id, columns.token_digest == digest(token))
    )


async def redeem(db: AsyncSession, row: Base, now: datetime) -> bool:
    """Set `consumed_at` on `row` unless set already (or, for a row with `expires_at`, expired since
    it was read); False when another caller or the clock got there first."""
    model = type(row)
    columns = model.__table__.c
    mapper = inspect(model)
    (key,) = mapper.primary_key
    live = [key == mapper.primary_key_from_instance(row)[0], columns.consumed_at.is_(None)]
    if "expires_at" in columns:
        live.append(columns.expires_at > now)
    won = await db.execute(
        update(model).where(*live).values(consumed_at=now).execution_options(synchronize_session=False)
    )
    return rows_changed(won) == 1
