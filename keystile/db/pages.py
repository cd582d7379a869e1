"""Keyset pagination in creation order, the order every search endpoint pages through."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute


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
