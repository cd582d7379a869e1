"""The rows of every profile part in one UNION ALL, as both read paths of the User response send it
(`UserRepository.views`, the session store's one query): a `kind` column (the part's index), then
value columns that the parts share by type, a typed NULL where a part has nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Integer, literal_column
from sqlalchemy.sql.type_api import TypeEngine

from keystile.db.base import Base
from keystile.db.dialects import TypedNull
from keystile.identity.profile import ProfilePart, Row


class RowPart(Protocol):
    """What a layout needs of a part: its table's model and the columns it reads (`ProfilePart`, and
    B2B's organization parts)."""

    @property
    def model(self) -> type[Base]: ...

    @property
    def columns(self) -> tuple[str, ...]: ...


P = TypeVar("P", bound=RowPart)


class PartRows(Generic[P]):
    """The layout of `parts`' rows: each column of a part takes the first free value column of its
    type, so the union is as wide as the widest part of each type (not the sum of all parts)."""

    def __init__(self, parts: Sequence[P]) -> None:
        self.parts = tuple(parts)
        self.types: list[TypeEngine[Any]] = []
        self._slots: list[tuple[int, ...]] = []
        for part in self.parts:
            taken: list[int] = []
            for name in part.columns:
                column_type = part.model.__table__.c[name].type
                free = (
                    i for i, t in enumerate(self.types) if i not in taken and type(t) is type(column_type)
                )
                slot = next(free, len(self.types))
                if slot == len(self.types):
                    self.types.append(column_type)
                taken.append(slot)
            self._slots.append(tuple(taken))

    def empty(self) -> list[ColumnElement[Any]]:
        """The layout's columns for a row of no part (a NULL kind)."""
        return [TypedNull(Integer()), *(TypedNull(column_type) for column_type in self.types)]

    def selected(self, kind: int) -> list[ColumnElement[Any]]:
        """What the branch of part `kind` selects: its kind, then its columns in their slots."""
        table = self.parts[kind].model.__table__
        values: list[ColumnElement[Any]] = [TypedNull(column_type) for column_type in self.types]
        for name, slot in zip(self.parts[kind].columns, self._slots[kind], strict=True):
            values[slot] = table.c[name]
        return [literal_column(str(kind), Integer()), *values]

    def split(self, rows: Iterable[Sequence[Any]], start: int) -> list[list[Row]]:
        """Per part, its rows among `rows` (whose layout begins at column `start`), as `columns`."""
        found: list[list[Row]] = [[] for _ in self.parts]
        for row in rows:
            kind = row[start]
            found[kind].append(tuple(row[start + 1 + slot] for slot in self._slots[kind]))
        return found


@cache
def part_rows(parts: tuple[ProfilePart[Any], ...]) -> PartRows[ProfilePart[Any]]:
    """The layout of `parts` (`profile_parts()`), worked out once."""
    return PartRows(parts)
