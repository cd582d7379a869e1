"""A short-lived in-process cache of verified project credentials, to keep auth off the database.

Entries are keyed by the secret's digest, never the secret itself, and expire after a few
seconds so that a secret deleted on one server stops working on every server soon after.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CachedProject:
    project_id: str
    vertical: str


@dataclass
class CredentialCache:
    ttl_seconds: float = 5.0
    max_entries: int = 10_000
    _entries: dict[str, tuple[float, CachedProject]] = field(default_factory=dict)

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
