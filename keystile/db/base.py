"""The declarative base and the column types that behave the same on SQLite, PostgreSQL and MySQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, MetaData, String
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

T = TypeVar("T")


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC instant stored naive with microseconds (MySQL needs DATETIME(6) for those)."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: pass UTC-aware values")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def id_column_type() -> String:
    """Identifiers such as `user-test-<uuid>`: ASCII, short enough for any index."""
    return String(96)


JSONDocument = JSON().with_variant(mysql.JSON(), "mysql", "mariadb")


class Base(DeclarativeBase):
    """Every keystile table; each one carries `project_id`."""

    metadata = MetaData(naming_convention=NAMING)


def detached(model: type[T], values: dict[str, Any]) -> T:
    """An instance of `model` holding `values` (column key to value), as the ORM fills one it loads:
    straight into its `__dict__`, without the change events that a constructor fires per attribute.

    For rows read without the ORM (`keystile.db.direct_reads`). The instance belongs to no session;
    setting an attribute afterwards works as usual."""
    manager = manager_of_class(model)
    instance: T = manager.new_instance()
    instance.__dict__.update(values)
    return instance
