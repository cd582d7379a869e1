"""A short-lived in-process cache of verified project credentials, to keep auth off the database.

Entries are keyed by the secret's digest, never the secret itself, and expire after a few
seconds so that a secret deleted on one server stops working on every server soon after. When an
entry expires under load, the requests that miss it together share one check of the credentials
instead of each sending the same query.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from keystile.projects.service import TEST


@dataclass(frozen=True)
class CachedProject:
    project_id: str
    vertical: str
    environment: str

    @property
    def is_test(self) -> bool:
        """Whether this is a test project, the only kind that answers Stytch's sandbox values."""
        return self.environment == TEST


@dataclass
class CredentialCache:
    ttl_seconds: float = 5.0
    max_entries: int = 10_000
    _entries: dict[str, tuple[float, CachedProject]] = field(default_factory=dict)
    _checking: dict[tuple[str, str], asyncio.Task[CachedProject]] = field(default_factory=dict)

    def get(self, digest: str) -> CachedProject | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        expires_at, project = entry
        if time.monotonic() >= expires_at:
            self._entries.pop(digest, None)
            return None
        return project

    def put(self, digest: str, project: CachedProject) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[digest] = (time.monotonic() + self.ttl_seconds, project)

    async def check_once(
        self, digest: str, project_id: str, check: Callable[[], Awaitable[CachedProject]]
    ) -> CachedProject:
        """`check()`'s project, remembered under `digest`. Concurrent calls for the same digest and
        project id share one check, its answer and its error; a caller that gives up (a deadline)
        leaves the check to the others."""
        key = (digest, project_id)
        checking = self._checking.get(key)
        if checking is None:
            checking = self._checking[key] = asyncio.create_task(self._checked(key, check))
            checking.add_done_callback(_retrieved)
        return await asyncio.shield(checking)

    async def _checked(
        self, key: tuple[str, str], check: Callable[[], Awaitable[CachedProject]]
    ) -> CachedProject:
        try:
            project = await check()
            self.put(key[0], project)
            return project
        finally:
            del self._checking[key]


def _retrieved(task: asyncio.Task[CachedProject]) -> None:
    """Mark a check's error as seen even when every caller gave up on it."""
    if not task.cancelled():
        task.exception()
