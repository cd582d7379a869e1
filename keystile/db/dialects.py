"""Statements whose SQL differs by database, so that no domain branches on the dialect's name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Insert, insert, inspect
from sqlalchemy.dialects import mysql, postgresql, sqlite
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


def upsert(
    model: type[Base],
    values: dict[str, Any],
    changes: Sequence[tuple[str, ColumnElement[Any]]],
    dialect: str,
) -> Insert:
    """An INSERT of `values` that, when the primary key exists, applies `changes` to that row instead,
    in one atomic statement. Each change sees the row as it was (MySQL assigns left to right, each
    assignment seeing the ones before it: order `changes` so that none reads a column changed before)."""
    keys = [column.name for column in inspect(model).primary_key]
    if dialect in ("postgresql", "sqlite"):
        native = postgresql.insert if dialect == "postgresql" else sqlite.insert
        return native(model).values(values).on_conflict_do_update(index_elements=keys, set_=dict(changes))
    return mysql.insert(model).values(values).on_duplicate_key_update(list(changes))


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
