"""Statements whose SQL differs by database, so that no domain branches on the dialect's name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, insert
from sqlalchemy.dialects import postgresql, sqlite

from keystile.db.base import Base


def insert_ignoring_conflicts(model: type[Base], values: dict[str, Any], dialect: str) -> Insert:
    """An INSERT that does nothing when the row exists (no savepoint needed to survive the race)."""
    if dialect == "postgresql":
        return postgresql.insert(model).values(values).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).values(values).on_conflict_do_nothing()
    return insert(model).values(values).prefix_with("IGNORE")
