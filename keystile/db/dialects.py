"""Statements whose SQL differs by database, so that no domain branches on the dialect's name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Insert, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal

from keystile.db.base import Base


def insert_ignoring_conflicts(model: type[Base], values: dict[str, Any], dialect: str) -> Insert:
    """An INSERT that does nothing when the row exists (no savepoint needed to survive the race)."""
    if dialect == "postgresql":
        return postgresql.insert(model).values(values).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).values(values).on_conflict_do_nothing()
    return insert(model).values(values).prefix_with("IGNORE")


class TypedNull(ColumnElement[Any]):
    """A NULL of `type_` in a UNION ALL: a CAST on PostgreSQL, which types a union's columns pairwise
    from the left (two bare NULLs make a column `text`, which a later boolean then breaks); a bare NULL
    elsewhere (MariaDB cannot CAST to every type, and needs no hint)."""

    inherit_cache = True
    _traverse_internals = [("type", InternalTraversal.dp_type)]

    def __init__(self, type_: TypeEngine[Any]) -> None:
        self.type = type_


@compiles(TypedNull)
def _bare_null(element: TypedNull, compiler: SQLCompiler, **kw: Any) -> str:
    return "NULL"


@compiles(TypedNull, "postgresql")
def _cast_null(element: TypedNull, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(NULL AS {compiler.dialect.type_compiler_instance.process(element.type)})"
