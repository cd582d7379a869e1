"""Keyset pagination in creation order, the order every search endpoint pages through."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

Row = TypeVar("Row")


def after_position(
    created_at: InstrumentedAttribute[datetime],
    key: InstrumentedAttribute[str],
    after: tuple[datetime, str] | None,
) -> list[ColumnElement[bool]]:
    """The condition for rows strictly after a cursor's (created_at, id); none without a cursor."""
    if after is None:
        return []
    moment, last_id = after
    return [(created_at > moment) | ((created_at == moment) & (key > last_id))]


async def page_in_creation_order(
    db: AsyncSession,
    entity: type[Row],
    conditions: list[ColumnElement[bool]],
    *,
    order: tuple[InstrumentedAttribute[datetime], InstrumentedAttribute[str]],
    after: tuple[datetime, str] | None,
    limit: int,
) -> tuple[list[Row], int]:
    """Up to `limit` rows of `entity` matching all `conditions` after the cursor, in `order` (its
    created_at and id columns), and how many match in all."""
    total = await db.scalar(select(func.count()).select_from(entity).where(*conditions))
    page = await db.scalars(
        select(entity).where(*conditions, *after_position(*order, after)).order_by(*order).limit(limit)
    )
    return list(page), int(total or 0)
