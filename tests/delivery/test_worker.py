"""The outbox on a real database and a real SMTP server: transactional enqueue, exactly-once
delivery across workers, retries with backoff while SMTP is down, and recovery after a crash."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.config import Settings
from keystile.db.engine import create_engine, session_factory
from keystile.db.uow import unit_of_work
from keystile.delivery.models import FAILED, PENDING, SENT, OutboxMessage
from keystile.delivery.outbox import enqueue_email
from keystile.delivery.repository import OutboxRepository
from keystile.delivery.worker import LEASE, MAX_ATTEMPTS, OutboxWorker
from keystile.ids import new_id
from tests.delivery.conftest import FakeClock
from tests.support.server import free_port
from tests.support.smtp_sink import SmtpSink, body_text

Sessions = async_sessionmaker[Any]
LINK = "http://localhost:3000/authenticate?token=abc&type=magic_links"


@pytest.fixture(autouse=True)
async def empty_outbox(sessions: Sessions) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(delete(OutboxMessage))


def smtp_settings(url: str, outbox_database_url: str) -> Settings:
    return Settings(database_url=outbox_database_url, smtp_url=url, smtp_from="Acme <login@acme.test>")


async def enqueue(sessions: Sessions, clock: FakeClock, to: str, **context: Any) -> str:
    async with unit_of_work(sessions) as session:
        return await enqueue_email(
            session,
            project_id=new_id("project"),
            to=to,
            template="login",
            context={"link": LINK, "expiration_minutes": 60, **context},
            now=clock.now(),
        )


async def stored(sessions: Sessions, message_id: str) -> OutboxMessage:
    async with sessions() as session:
        message = await session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message_id))
    assert message is not None
    return message


def address() -> str:
    return f"{new_id('someone')}@example.com"


async def test_a_rolled_back_email_is_never_sent(
    sessions: Sessions, smtp_sink: SmtpSink, clock: FakeClock, outbox_database_url: str
) -> None:
    to = address()
    with pytest.raises(RuntimeError):
        async with unit_of_work(sessions) as session:
            await enqueue_email(
                session,
                project_id=new_id("project"),
                to=to,
                template="login",
                context={"link": LINK, "expiration_minutes": 60},
                now=clock.now(),
            )
            raise RuntimeError("the use case failed after queueing its email")
    worker = OutboxWorker(sessions, smtp_settings(smtp_sink.url, outbox_database_url), clock)
    assert await worker.drain_once() == 0
    async with sessions() as session:
        assert await session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == to)) is None
    assert smtp_sink.received(to) == []


async def test_a_committed_email_is_sent_once(
    sessions: Sessions, smtp_sink: SmtpSink, clock: FakeClock, outbox_database_url: str
) -> None:
    to = address()
    message_id = await enqueue(sessions, clock, to, project_name="Acme")
    worker = OutboxWorker(sessions, smtp_settings(smtp_sink.url, outbox_database_url), clock)

    assert await worker.drain_once() == 1
    assert await worker.drain_once() == 0

    email = smtp_sink.wait_for(to)
    assert email["From"] == "Acme <login@acme.test>"
    assert email["Subject"] == "Your login link for Acme"
    assert email["Message-ID"] == f"<{message_id}@acme.test>"
    assert LINK in body_text(email)
    html = email.get_body(preferencelist=("html",))
    assert html is not None
    assert 'href="http://localhost:3000/authenticate?token=abc&amp;type=magic_links"' in html.get_content()
    assert len(smtp_sink.received(to)) == 1
    row = await stored(sessions, message_id)
    assert (row.status, row.attempts, row.sent_at, row.lease_until) == (SENT, 1, clock.now(), None)


async def test_two_workers_deliver_each_message_exactly_once(
    sessions: Sessions, smtp_sink: SmtpSink, clock: FakeClock, outbox_database_url: str
) -> None:
    recipients = [address() for _ in range(20)]
    for to in recipients:
        await enqueue(sessions, clock, to)
    settings = smtp_settings(smtp_sink.url, outbox_database_url)
    # Two engines, as two servers would have.
    other_engine = create_engine(outbox_database_url)
    try:
        first = OutboxWorker(sessions, settings, clock)
        second = OutboxWorker(session_factory(other_engine), settings, clock)
        sent = await asyncio.gather(first.drain_once(), second.drain_once())
    finally:
        await other_engine.dispose()

    assert sum(sent) == len(recipients)
    for to in recipients:
        assert len(smtp_sink.received(to)) == 1


async def test_smtp_down_keeps_the_email_and_retries_with_backoff(
    sessions: Sessions, clock: FakeClock, outbox_database_url: str
) -> None:
    port = free_port()  # nothing listens there yet
    to = address()
    message_id = await enqueue(sessions, clock, to)
    worker = OutboxWorker(sessions, smtp_settings(f"smtp://127.0.0.1:{port}", outbox_database_url), clock)

    assert await worker.drain_once() == 0
    row = await stored(sessions, message_id)
    assert (row.status, row.attempts, row.lease_until) == (PENDING, 1, None)
    assert row.next_attempt_at > clock.now()
    assert row.last_error is not None
    assert " " not in row.last_error  # a class name, not a message
    assert await worker.drain_once() == 0  # not due yet

    sink = SmtpSink(port).start()
    try:
        clock.advance(seconds=2)
        assert await worker.drain_once() == 1
        sink.wait_for(to)
        assert await worker.drain_once() == 0
        assert len(sink.received(to)) == 1
    finally:
        sink.stop()
    row = await stored(sessions, message_id)
    assert (row.status, row.attempts) == (SENT, 2)


async def test_a_message_left_by_a_crashed_worker_is_sent_after_its_lease(
    sessions: Sessions, smtp_sink: SmtpSink, clock: FakeClock, outbox_database_url: str
) -> None:
    to = address()
    message_id = await enqueue(sessions, clock, to)
    async with unit_of_work(sessions) as session:  # a worker claims it, then dies
        claimed = await OutboxRepository(session).claim(
            message_id, now=clock.now(), lease_until=clock.now() + LEASE
        )
    assert claimed is not None
    worker = OutboxWorker(sessions, smtp_settings(smtp_sink.url, outbox_database_url), clock)

    assert await worker.drain_once() == 0
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await worker.drain_once() == 1
    smtp_sink.wait_for(to)
    assert len(smtp_sink.received(to)) == 1


async def test_a_message_fails_for_good_after_the_last_attempt(
    sessions: Sessions, clock: FakeClock, outbox_database_url: str
) -> None:
    message_id = await enqueue(sessions, clock, address())
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.message_id == message_id)
            .values(attempts=MAX_ATTEMPTS - 1)
        )
    worker = OutboxWorker(
        sessions, smtp_settings(f"smtp://127.0.0.1:{free_port()}", outbox_database_url), clock
    )

    assert await worker.drain_once() == 0
    row = await stored(sessions, message_id)
    assert (row.status, row.attempts) == (FAILED, MAX_ATTEMPTS)
    clock.advance(seconds=3600)
    assert await worker.drain_once() == 0


async def test_run_delivers_when_woken_and_stops_when_asked(
    sessions: Sessions, smtp_sink: SmtpSink, clock: FakeClock, outbox_database_url: str
) -> None:
    settings = smtp_settings(smtp_sink.url, outbox_database_url).model_copy(
        update={"outbox_poll_seconds": 60.0}
    )
    worker = OutboxWorker(sessions, settings, clock)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        to = address()
        await enqueue(sessions, clock, to)
        worker.wakeup.set()  # the poll is a minute away: only the wake-up can deliver it in time
        for _ in range(100):
            if smtp_sink.received(to):
                break
            await asyncio.sleep(0.05)
        assert len(smtp_sink.received(to)) == 1
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=5)
