"""`Call`: what every use case needs for one request of one project (its unit of work, keys, clock
reading, and whether it is a test project), handed to services as one value instead of five arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.rbac.cache import PolicyCache
from keystile.sessions.keys import KeyRing


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One request's view of a project. Add a field (with a default where a caller may lack it) for
    anything further that every use case of a request shares."""

    db: AsyncSession
    keys: KeyRing
    project_id: str
    now: datetime
    test_project: bool = False
    # The server's policies in memory; a Call built outside a server reads them afresh each time.
    policies: PolicyCache = field(default_factory=lambda: PolicyCache(ttl_seconds=0))
