"""The credential cache: requests that miss it together share one check of the credentials, per secret
and project id; an error reaches all of them and is not remembered; a caller that gives up leaves the
check to the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from keystile.api.credential_cache import CachedProject, CredentialCache
from keystile.errors import KeystileError


class Checks:
    def __init__(self) -> None:
        self.made = 0
        self.release = asyncio.Event()
        self.refuse = False

    def check(self, project_id: str) -> Callable[[], Awaitable[CachedProject]]:
        async def run() -> CachedProject:
            self.made += 1
            await self.release.wait()
            if self.refuse:
                raise KeystileError("unauthorized_credentials")
            return CachedProject(project_id=project_id, vertical="consumer", environment="live")

        return run


async def test_concurrent_misses_share_one_check_per_secret_and_project() -> None:
    cache, checks = CredentialCache(ttl_seconds=60), Checks()
    calls = [cache.check_once("digest", "project-a", checks.check("project-a")) for _ in range(10)]
    calls.append(cache.check_once("digest", "project-b", checks.check("project-b")))
    waiting = asyncio.gather(*calls)
    await asyncio.sleep(0.01)
    checks.release.set()
    found = await waiting
    assert checks.made == 2
    assert {project.project_id for project in found[:10]} == {"project-a"}
    assert cache.get("digest") is not None


async def test_an_error_reaches_every_caller_and_is_not_remembered() -> None:
    cache, checks = CredentialCache(ttl_seconds=60), Checks()
    checks.refuse = True
    checks.release.set()
    results = await asyncio.gather(
        *(cache.check_once("digest", "project-a", checks.check("project-a")) for _ in range(3)),
        return_exceptions=True,
    )
    assert [type(result) for result in results] == [KeystileError] * 3
    assert checks.made == 1 and cache.get("digest") is None
    checks.refuse = False
    assert (
        await cache.check_once("digest", "project-a", checks.check("project-a"))
    ).project_id == "project-a"
    assert checks.made == 2


async def test_a_caller_that_gives_up_leaves_the_check_to_the_others() -> None:
    cache, checks = CredentialCache(ttl_seconds=60), Checks()
    impatient = asyncio.create_task(cache.check_once("digest", "project-a", checks.check("project-a")))
    patient = asyncio.create_task(cache.check_once("digest", "project-a", checks.check("project-a")))
    await asyncio.sleep(0.01)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    checks.release.set()
    assert (await patient).project_id == "project-a"
    assert checks.made == 1
