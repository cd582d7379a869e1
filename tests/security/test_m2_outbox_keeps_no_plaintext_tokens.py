"""M2: once a message is delivered (or given up on) the outbox row keeps no magic-link token, reset
token or passcode, and the worker purges old rows; a message waiting for SMTP still goes out later."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.db.engine import create_engine, session_factory
from keystile.db.uow import unit_of_work
from keystile.delivery.models import FAILED, PENDING, SENT, OutboxMessage
from keystile.delivery.outbox import enqueue_email
from keystile.delivery.worker import MAX_ATTEMPTS, RETENTION, OutboxWorker
from keystile.devtools.sms_sink import SmsSink
from keystile.ids import new_id
from tests.delivery.conftest import FakeClock
from tests.support.databases import fresh_database
from tests.support.limits import call
from tests.support.magic_links import new_address, received_link, token_of
from tests.support.otps import emailed_code
from tests.support.server import KeystileServer, Project, free_port
from tests.support.sms_sink import new_phone_number, received_code
from tests.support.smtp_sink import SmtpSink

LINK = "http://localhost:3000/authenticate?stytch_token_type=magic_links&token=m2-secret-token"


def rows_to(database_url: str, recipient: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == recipient)

    async def load(session: Any) -> list[OutboxMessage]:
        return list((await session.scalars(query)).all())

    return run_in_transaction(Settings(database_url=database_url), load)


def delivered_row(database_url: str, recipient: str) -> OutboxMessage:
    """The one row to `recipient`, once the worker has recorded its delivery."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = rows_to(database_url, recipient)
        if rows and rows[0].status == SENT:
            [row] = rows
            return row
        time.sleep(0.05)
    raise AssertionError(f"the message to {recipient} was not marked sent")


def test_m2_delivered_messages_keep_no_token_or_code(
    server: KeystileServer, project: Project, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    linked, coded, phone = new_address("m2-link"), new_address("m2-code"), new_phone_number()
    for path, body in (
        ("/v1/magic_links/email/login_or_create", {"email": linked}),
        ("/v1/otps/email/login_or_create", {"email": coded}),
        ("/v1/otps/sms/login_or_create", {"phone_number": phone}),
    ):
        assert call(server, project, path, body).status_code == 200
    secrets = {
        linked: token_of(received_link(smtp_sink, linked)),
        coded: emailed_code(smtp_sink, coded),
        phone: received_code(sms_sink, phone),
    }
    for recipient, secret in secrets.items():
        row = delivered_row(server.database_url, recipient)
        stored = " ".join(str(value) for value in (row.subject, row.body_text, row.body_html))
        assert secret not in stored, f"{recipient}: {stored}"
        assert (row.body_text, row.body_html) == ("", None)


@pytest.fixture(scope="module")
def own_database(run_dir: Path) -> str:
    """No server's worker may drain this database: the test's own worker, on a fake clock, does."""
    return fresh_database("sqlite", f"keystile_m2_{os.getpid()}", run_dir)


@pytest.fixture
async def sessions(own_database: str) -> AsyncIterator[async_sessionmaker[Any]]:
    engine = create_engine(own_database)
    yield session_factory(engine)
    await engine.dispose()


async def enqueue(sessions: async_sessionmaker[Any], clock: FakeClock, to: str) -> str:
    async with unit_of_work(sessions) as session:
        return await enqueue_email(
            session,
            project_id=new_id("project"),
            to=to,
            template="login",
            context={"link": LINK, "expiration_minutes": 60},
            now=clock.now(),
        )


async def stored(sessions: async_sessionmaker[Any], message_id: str) -> OutboxMessage | None:
    async with sessions() as session:
        return await session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message_id))


async def test_m2_a_waiting_message_keeps_its_body_until_sent_then_old_rows_are_purged(
    sessions: async_sessionmaker[Any], own_database: str, smtp_sink: SmtpSink
) -> None:
    clock = FakeClock()
    nothing_listens = f"smtp://127.0.0.1:{free_port()}"
    down = OutboxWorker(sessions, Settings(database_url=own_database, smtp_url=nothing_listens), clock)
    up = OutboxWorker(sessions, Settings(database_url=own_database, smtp_url=smtp_sink.url), clock)
    to = new_address("m2-retry")
    message_id = await enqueue(sessions, clock, to)

    # SMTP down: the message waits with its body (it must still be sent).
    assert await down.drain_once() == 0
    waiting = await stored(sessions, message_id)
    assert waiting is not None and (waiting.status, waiting.attempts) == (PENDING, 1)
    assert LINK in waiting.body_text

    clock.advance(2)
    assert await up.drain_once() == 1
    assert LINK in smtp_sink.wait_for(to).get_body(preferencelist=("plain",)).get_content()
    sent = await stored(sessions, message_id)
    assert sent is not None and sent.status == SENT
    assert (sent.body_text, sent.body_html) == ("", None)

    # A message given up on is cleared too.
    abandoned_id = await enqueue(sessions, clock, new_address("m2-abandoned"))
    async with unit_of_work(sessions) as session:
        last_try = update(OutboxMessage).values(attempts=MAX_ATTEMPTS - 1)
        await session.execute(last_try.where(OutboxMessage.message_id == abandoned_id))
    assert await down.drain_once() == 0
    abandoned = await stored(sessions, abandoned_id)
    assert abandoned is not None and abandoned.status == FAILED
    assert (abandoned.body_text, abandoned.body_html) == ("", None)

    # Past the retention every old row is deleted, whatever became of it.
    clock.advance((RETENTION + timedelta(minutes=1)).total_seconds())
    await up.drain_once()
    assert await stored(sessions, message_id) is None
    assert await stored(sessions, abandoned_id) is None
