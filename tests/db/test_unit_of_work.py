"""Units of work on each engine: one that never uses its session costs no connection, one that writes
commits at its end, an error or a cancellation rolls back, and a `CommittedRefusal` commits first."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from keystile.clock import SystemClock
from keystile.db.uow import unit_of_work
from keystile.errors import CommittedRefusal
from keystile.projects.models import Project
from keystile.projects.service import create_project


async def _create(db: Any, name: str) -> None:
    await create_project(db, name=name, vertical="consumer", redirect_urls=[], now=SystemClock().now())


async def _count(db_sessions: async_sessionmaker[Any], name: str) -> int:
    async with unit_of_work(db_sessions) as db:
        return int(await db.scalar(select(func.count()).where(Project.name == name)) or 0)


def _unique(label: str) -> str:
    return f"{label}-{id(object())}-{asyncio.get_running_loop().time()}"


async def test_an_unused_unit_of_work_begins_nothing_and_takes_no_connection(
    engine: AsyncEngine, db_sessions: async_sessionmaker[Any]
) -> None:
    checkouts: list[object] = []
    ended: list[str] = []
    event.listen(engine.sync_engine.pool, "checkout", lambda *args: checkouts.append(args))
    async with unit_of_work(db_sessions) as db:
        assert not db.in_transaction()
        for name in ("after_commit", "after_rollback", "after_transaction_end"):
            event.listen(db.sync_session, name, lambda *args, name=name: ended.append(name))
    assert (checkouts, ended) == ([], [])
    async with unit_of_work(db_sessions) as db:
        await _create(db, _unique("used"))
        event.listen(db.sync_session, "after_commit", lambda *args: ended.append("after_commit"))
    assert len(checkouts) == 1
    assert "after_commit" in ended


async def test_writes_commit_at_the_end_and_an_error_rolls_them_back(
    engine: AsyncEngine, db_sessions: async_sessionmaker[Any]
) -> None:
    kept, lost = _unique("kept"), _unique("lost")
    async with unit_of_work(db_sessions) as db:
        await _create(db, kept)
    with pytest.raises(RuntimeError):
        async with unit_of_work(db_sessions) as db:
            await _create(db, lost)
            raise RuntimeError("after writing")
    assert (await _count(db_sessions, kept), await _count(db_sessions, lost)) == (1, 0)
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_cancelled_unit_of_work_rolls_back_and_returns_its_connection(
    engine: AsyncEngine, db_sessions: async_sessionmaker[Any]
) -> None:
    name = _unique("cancelled")
    written = asyncio.Event()

    async def write_then_wait() -> None:
        async with unit_of_work(db_sessions) as db:
            await _create(db, name)
            written.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(write_then_wait())
    await written.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _count(db_sessions, name) == 0
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_committed_refusal_is_raised_after_its_writes_commit(
    db_sessions: async_sessionmaker[Any],
) -> None:
    name = _unique("refused")
    with pytest.raises(CommittedRefusal):
        async with unit_of_work(db_sessions) as db:
            await _create(db, name)
            raise CommittedRefusal("invalid_argument")
    assert await _count(db_sessions, name) == 1


async def test_what_a_unit_of_work_loaded_is_detached_after_it(db_sessions: async_sessionmaker[Any]) -> None:
    name = _unique("detached")
    async with unit_of_work(db_sessions) as db:
        await _create(db, name)
    async with unit_of_work(db_sessions) as db:
        project = await db.scalar(select(Project).where(Project.name == name))
    assert project is not None and inspect(project).detached
    async with unit_of_work(db_sessions) as db:
        project.name = f"{name}-renamed"
        db.add(project)  # a detached object joins the next unit of work
    assert await _count(db_sessions, f"{name}-renamed") == 1
