"""What a statement's result says about the rows it wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result


def rows_changed(result: Result[Any]) -> int:
    """Rows an UPDATE, DELETE or INSERT matched (`execute` types its result as a plain `Result`)."""
    assert isinstance(result, CursorResult), "a statement without RETURNING"
    return int(result.rowcount or 0)
