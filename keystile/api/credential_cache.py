"""A short-lived in-process cache of verified project credentials, to keep auth off the database.

Entries are keyed by the secret's digest, never the secret itself, and expire after a few
seconds so that a secret deleted on one server stops working on every server soon after. When an
entry expires under load, the requests that miss it together share one check of the credentials
instead of each sending the same query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cachetools import TTLCache

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


class CredentialCache:
    """Verified projects by secret digest for `ttl_seconds`; when full, expired entries go first, then
    the least recently used one (never the whole cache at once)."""

    def __init__(self, ttl_seconds: float = 5.0, max_entries: int = 10_000) -> None:
        self._entries: TTLCache[str, CachedProject] = TTLCache(maxsize=max_entries, ttl=ttl_seconds)
        self._checking: dict[tuple[str, str], asyncio.Task[CachedProject]] = {}

    def get(self, digest: str) -> CachedProject | None:
        return self._entries.get(digest)

    def put(self, digest: str, project: CachedProject) -> None:
        self._entries[digest] = project

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
