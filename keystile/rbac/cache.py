"""`PolicyCache`: each project's policy in force (per organization for B2B) kept in memory, so an
authorization check costs no query; an entry lives `ttl_seconds`, so a change made through another
server (or the CLI) is seen everywhere within that window, and at once on the server that made it."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.rbac.model import Policy
from keystile.rbac.service import effective_policy

MAX_ENTRIES = 4096


class PolicyCache:
    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[Policy, float]] = OrderedDict()

    async def policy(
        self, db: AsyncSession, project_id: str, vertical: str, organization_id: str | None = None
    ) -> Policy:
        """The policy in force for the project (and organization), from memory when fresh."""
        key = (project_id, organization_id or "")
        now = self.clock()
        found = self._entries.get(key)
        if found is not None and found[1] > now:
            return found[0]
        policy = await effective_policy(db, project_id, vertical, organization_id)
        self._entries[key] = (policy, now + self.ttl_seconds)
        self._entries.move_to_end(key)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)
        return policy

    def forget(self, project_id: str) -> None:
        """Drop the project's entries (its policy or one of its organizations' roles changed here)."""
        for key in [key for key in self._entries if key[0] == project_id]:
            del self._entries[key]
