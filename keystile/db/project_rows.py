"""Rows of one project: found by their column values, single-use ones used up in bulk, joined to
another table's rows of the same project, and `ProjectScoped`, the base of a per-project repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from keystile.db.base import Base
from keystile.db.pages import Conditions, CreationOrder, Position, page_in_creation_order
from keystile.db.results import rows_changed
from keystile.errors import ErrorType, KeystileError

Row = TypeVar("Row", bound=Base)


def matching(model: type[Base], project_id: str, **values: Any) -> list[ColumnElement[bool]]:
    """The conditions for the project's rows of `model` whose columns hold `values`."""
    columns = model.__table__.c
    return [columns.project_id == project_id, *(columns[name] == value for name, value in values.items())]


async def find_by(
    db: AsyncSession, model: type[Row], project_id: str, *, for_update: bool = False, **values: Any
) -> Row | None:
    """The project's row of `model` whose columns hold `values` (the values name one row)."""
    query = select(model).where(*matching(model, project_id, **values))
    return await db.scalar(query.with_for_update() if for_update else query)


async def use_up(db: AsyncSession, model: type[Base], project_id: str, now: datetime, **values: Any) -> int:
    """Set `consumed_at` on every unused row of the project's `model` whose columns hold `values`, so
    that none of them can be redeemed any more; how many there were."""
    columns = model.__table__.c
    used = await db.execute(
        update(model)
        .where(*matching(model, project_id, **values), columns.consumed_at.is_(None))
        .values(consumed_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(used)


def joined_on(model: type[Base], other: type[Base], *names: str) -> ColumnElement[bool]:
    """The join condition of `model`'s rows to `other`'s of the same project sharing the columns
    `names` (the project's tables never share rows across projects)."""
    left, right = model.__table__.c, other.__table__.c
    return and_(left.project_id == right.project_id, *(left[name] == right[name] for name in names))


class ProjectScoped:
    """The base of a repository of one project's rows, read and written in the session `db`."""

    def __init__(self, db: AsyncSession, project_id: str) -> None:
        self.db = db
        self.project_id = project_id

    async def attached(self, row: Row) -> Row:
        """`row`, read without the ORM (`detached`), in the session as a loaded row (or the session's
        own copy), so that changing it is written as usual."""
        make_transient_to_detached(row)
        return await self.db.merge(row, load=False)

    async def find_by(self, model: type[Row], *, for_update: bool = False, **values: Any) -> Row | None:
        """The project's row of `model` whose columns hold `values`."""
        return await find_by(self.db, model, self.project_id, for_update=for_update, **values)

    async def get_by(
        self, model: type[Row], missing: ErrorType, *, for_update: bool = False, **values: Any
    ) -> Row:
        """The project's row of `model` whose columns hold `values`; the error `missing` if there is none."""
        row = await find_by(self.db, model, self.project_id, for_update=for_update, **values)
        if row is None:
            raise KeystileError(missing)
        return row

    async def with_any(self, model: type[Row], column: str, values: Sequence[Any], *order: str) -> list[Row]:
        """The project's rows of `model` whose `column` holds one of `values`, sorted by `order`."""
        if not values:
            return []
        columns = model.__table__.c
        query = select(model).where(*matching(model, self.project_id), columns[column].in_(values))
        return list(await self.db.scalars(query.order_by(*(columns[name] for name in order))))

    async def use_up(self, model: type[Base], now: datetime, **values: Any) -> int:
        """Use up the project's unused rows of `model` whose columns hold `values`."""
        return await use_up(self.db, model, self.project_id, now, **values)

    async def delete_by(self, model: type[Base], **values: Any) -> int:
        """Delete the project's rows of `model` whose columns hold `values`; how many there were."""
        deleted = await self.db.execute(delete(model).where(*matching(model, self.project_id, **values)))
        return rows_changed(deleted)

    async def page(
        self, model: type[Row], conditions: Conditions, order: CreationOrder, after: Position, limit: int
    ) -> tuple[list[Row], int]:
        """One page of the project's rows of `model` matching all `conditions`, in creation `order`,
        and how many match in all."""
        where = [*matching(model, self.project_id), *conditions]
        return await page_in_creation_order(self.db, model, where, order, after, limit)
