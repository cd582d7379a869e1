"""In-process service tests: a fixed clock, projects, one unit of work per call and the `Call` a use
case takes, the error a call raises, and the messages the outbox holds for an address (read from the
database, no mail server)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keystile.calls import Call
from keystile.db.uow import unit_of_work
from keystile.delivery.models import OutboxMessage
from keystile.errors import KeystileError
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
REDIRECT_URL = "http://localhost:3000/authenticate"
TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_-]+)")
CODE = re.compile(r"\b(\d{6})\b")
Sessions = async_sessionmaker[Any]
T = TypeVar("T")


async def within(db_sessions: Sessions, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in a unit of work of its own, as one request would."""
    async with unit_of_work(db_sessions) as db:
        return await work(db)


def call_for(
    db: AsyncSession,
    project_id: str,
    keys: KeyRing | None = None,
    *,
    now: datetime = NOW,
    test_project: bool = False,
) -> Call:
    """The `Call` a handler would build for `project_id`: keys of their own unless given, the fixed clock."""
    ring = (
        keys if keys is not None else KeyRing(MultiFernet([Fernet(Fernet.generate_key())]), cache_seconds=60)
    )
    return Call(db=db, keys=ring, project_id=project_id, now=now, test_project=test_project)


async def refusal(call: Awaitable[object]) -> str:
    """The error_type of the KeystileError that `call` raises."""
    with pytest.raises(KeystileError) as caught:
        await call
    return caught.value.error_type


async def new_project(db_sessions: Sessions, vertical: str) -> str:
    created = await within(
        db_sessions,
        lambda db: create_project(
            db, name="services", vertical=vertical, redirect_urls=[REDIRECT_URL], now=NOW
        ),
    )
    return created.project.project_id


async def outbox_bodies(db_sessions: Sessions, project_id: str, to: str) -> list[str]:
    """The text of every message queued for `to` in the project, oldest first."""
    query = (
        select(OutboxMessage.body_text)
        .where(OutboxMessage.project_id == project_id, OutboxMessage.recipient == to)
        .order_by(OutboxMessage.created_at, OutboxMessage.message_id)
    )
    async with unit_of_work(db_sessions) as db:
        return list((await db.scalars(query)).all())


async def last_token(db_sessions: Sessions, project_id: str, to: str) -> str:
    """The token of the link in the newest message to `to`."""
    found = TOKEN.search((await outbox_bodies(db_sessions, project_id, to))[-1])
    assert found is not None, "no link with a token in the message"
    return found.group(1)


async def last_code(db_sessions: Sessions, project_id: str, to: str) -> str:
    """The six-digit code in the newest message to `to`."""
    found = CODE.search((await outbox_bodies(db_sessions, project_id, to))[-1])
    assert found is not None, "no code in the message"
    return found.group(1)


@pytest.fixture
def cipher() -> MultiFernet:
    return MultiFernet([Fernet(Fernet.generate_key())])


@pytest.fixture
def keys(cipher: MultiFernet) -> KeyRing:
    return KeyRing(cipher, cache_seconds=60)


@pytest.fixture
async def project_id(db_sessions: Sessions) -> str:
    """A fresh consumer project (live: no sandbox values)."""
    return await new_project(db_sessions, "consumer")


@pytest.fixture
async def b2b_project_id(db_sessions: Sessions) -> str:
    """A fresh B2B project (live: no sandbox values)."""
    return await new_project(db_sessions, "b2b")
