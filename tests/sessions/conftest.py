"""Fixtures for the sessions domain: a fresh project and user on each engine's database (the key ring
and its cipher come from tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.db.uow import unit_of_work
from keystile.identity.service import NewUser, create_user
from keystile.projects.service import create_project

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
async def project_id(db_sessions: async_sessionmaker[Any]) -> str:
    async with unit_of_work(db_sessions) as db:
        created = await create_project(db, name="sessions", vertical="consumer", redirect_urls=[], now=NOW)
    return created.project.project_id


@pytest.fixture
async def user_id(db_sessions: async_sessionmaker[Any], project_id: str) -> str:
    async with unit_of_work(db_sessions) as db:
        view = await create_user(
            db, project_id, NewUser(email="ada@example.com", external_id="ada", roles=["editor"]), now=NOW
        )
    return view.user.user_id
