"""An injectable clock so that expiry is testable without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current UTC time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, in UTC with microseconds."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def rfc3339(moment: datetime | None) -> str | None:
    """Format a UTC datetime the way Stytch does: `2021-12-29T12:33:09Z`."""
    if moment is None:
        return None
    # Three to seven of these in every session check: the cheapest exact form (the "+00:00" cut off).
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    return utc.isoformat(timespec="seconds")[:19] + "Z"
