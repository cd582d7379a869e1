"""Keyset pagination in creation order, the order every search endpoint pages through."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

Row = TypeVar("Row")
Conditions = list[ColumnElement[bool]]
# A table's creation time and id columns: the order of its pages, ties broken by id.
CreationOrder = tuple[InstrumentedAttribute[datetime], InstrumentedAttribute[str]]
# The (created_at, id) of the last row of the page before, as its cursor gives it; None for the first.
Position = tuple[datetime, str] | None


def after_position(
    created_at: InstrumentedAttribute[datetime], key: InstrumentedAttribute[str], after: Position
) -> list[ColumnElement[bool]]:
    """The condition for rows strictly after a cursor's (created_at, id); none without a cursor."""
    if after is None:
        return []
    moment, last_id = after
    return [(created_at > moment) | ((created_at == moment) & (key > last_id))]


async def page_in_creation_order(
    db: AsyncSession,
    entity: type[Row],
    conditions: Conditions,
    order: CreationOrder,
    after: Position,
    limit: int,
) -> tuple[list[Row], int]:
    """Up to `limit` rows of `entity` matching all `conditions` after the cursor, in `order`, and how
    many match in all."""
    total = await db.scalar(select(func.count()).select_from(entity).where(*conditions))
    page = await db.scalars(
        select(entity).where(*conditions, *after_position(*order, after)).order_by(*order).limit(limit)
    )
    return list(page), int(total or 0)
