"""An injectable clock so that expiry is testable without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current UTC time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, in UTC with microseconds."""

    def now(self) -> datetime:
        return datetime.now(UTC)


# A session check formats three to seven timestamps, mostly the same ones as the last check of its
# session, member or organization: a hit costs a tenth of formatting.
@lru_cache(maxsize=4096)
def rfc3339(moment: datetime | None) -> str | None:
    """Format a UTC datetime the way Stytch does: `2021-12-29T12:33:09Z`."""
    if moment is None:
        return None
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)  # "+00:00" cut off below
    return utc.isoformat(timespec="seconds")[:19] + "Z"
