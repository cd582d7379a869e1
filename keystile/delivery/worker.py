"""The outbox worker: claims due messages with a lease (one winner across workers and servers),
sends each through its channel's transport (email, SMS, WhatsApp), and retries failures with capped
exponential backoff."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.clock import Clock, SystemClock
from keystile.config import Settings
from keystile.db.engine import server_database
from keystile.db.uow import unit_of_work
from keystile.delivery.dev_inbox import DevInboxSender
from keystile.delivery.models import EMAIL, SMS, WHATSAPP, OutboxMessage
from keystile.delivery.repository import OutboxRepository
from keystile.delivery.sms import text_sender
from keystile.delivery.smtp import SmtpSender, SmtpServer

MAX_ATTEMPTS = 20
BACKOFF_CAP = timedelta(minutes=5)
BATCH_SIZE = 50
# A worker that dies mid-send loses its lease after this long and the message is retried; the
# send itself is cut off well before, so a live worker never loses a lease it still needs.
LEASE = timedelta(minutes=2)
SEND_DEADLINE_SECONDS = 60.0
SHUTDOWN_GRACE_SECONDS = 10.0

log = structlog.get_logger("keystile.delivery")


class MessageSender(Protocol):
    async def send(self, message: OutboxMessage) -> None: ...


def email_sender(settings: Settings) -> MessageSender:
    """SMTP when `smtp_url` is set, the dev inbox otherwise."""
    if settings.smtp_url is None:
        return DevInboxSender()
    return SmtpSender(SmtpServer.from_url(settings.smtp_url), settings.smtp_from)


def retry_delay(attempts: int) -> timedelta:
    """1 s after the first failed attempt, doubling each time, never more than BACKOFF_CAP."""
    return min(timedelta(seconds=2 ** min(attempts - 1, 30)), BACKOFF_CAP)


class OutboxWorker:
    """Drains the outbox of every project in the database behind `sessions`."""

    def __init__(
        self,
        sessions: async_sessionmaker[Any],
        settings: Settings,
        clock: Clock,
        wakeup: asyncio.Event | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        # Set by whoever just committed messages, to end the current pause early.
        self.wakeup = wakeup or asyncio.Event()
        self.poll_seconds = settings.outbox_poll_seconds
        texts = text_sender(settings)
        self.senders: dict[str, MessageSender] = {EMAIL: email_sender(settings), SMS: texts, WHATSAPP: texts}

    async def drain_once(self) -> int:
        """Try every message due now (at most BATCH_SIZE); return how many were sent."""
        async with self.sessions() as session:
            due = await OutboxRepository(session).due_message_ids(self.clock.now(), BATCH_SIZE)
        sent = 0
        for message_id in due:
            sent += await self._deliver(message_id)
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop` is set, pausing `outbox_poll_seconds` (or until woken) when idle."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                sent = await self.drain_once()
            except Exception as error:
                # The worker outlives any failure (database down, …); the next poll tries again.
                log.error("outbox_worker_error", error_class=type(error).__name__)
                sent = 0
            if sent < BATCH_SIZE:
                await self._pause(stop)

    async def _pause(self, stop: asyncio.Event) -> None:
        waits = {asyncio.create_task(stop.wait()), asyncio.create_task(self.wakeup.wait())}
        try:
            await asyncio.wait(waits, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def _deliver(self, message_id: str) -> bool:
        now = self.clock.now()
        lease_until = now + LEASE
        async with unit_of_work(self.sessions) as session:
            message = await OutboxRepository(session).claim(message_id, now=now, lease_until=lease_until)
        if message is None:
            return False
        try:
            async with asyncio.timeout(SEND_DEADLINE_SECONDS):
                await self.senders[message.channel].send(message)
        except Exception as error:
            # Whatever the transport raised, this message waits for its next attempt and the
            # others still go out; only the class is kept (the text may echo server replies).
            await self._record_failure(message, lease_until, type(error).__name__)
            return False
        async with unit_of_work(self.sessions) as session:
            await OutboxRepository(session).mark_sent(
                message_id, lease_until=lease_until, now=self.clock.now()
            )
        return True

    async def _record_failure(self, message: OutboxMessage, lease_until: datetime, error_class: str) -> None:
        give_up = message.attempts >= MAX_ATTEMPTS
        async with unit_of_work(self.sessions) as session:
            await OutboxRepository(session).record_failure(
                message.message_id,
                lease_until=lease_until,
                error_class=error_class,
                next_attempt_at=self.clock.now() + retry_delay(message.attempts),
                give_up=give_up,
            )
        log.warning(
            "outbox_send_failed",
            message_id=message.message_id,
            attempts=message.attempts,
            error_class=error_class,
            gave_up=give_up,
        )


@asynccontextmanager
async def outbox_worker_running(
    sessions: async_sessionmaker[Any], settings: Settings, clock: Clock, wakeup: asyncio.Event
) -> AsyncIterator[None]:
    """Run an OutboxWorker in the background while the block runs (unless `outbox_worker` is off)."""
    if not settings.outbox_worker:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(
        OutboxWorker(sessions, settings, clock, wakeup).run(stop), name="outbox-worker"
    )
    try:
        yield
    finally:
        stop.set()
        # A send in progress may finish; one that takes longer is cancelled and retried later.
        with suppress(TimeoutError):
            await asyncio.wait_for(task, timeout=SHUTDOWN_GRACE_SECONDS)


async def run_until_signalled(settings: Settings) -> None:
    """`keystile worker`: drain the configured database's outbox until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    engine, sessions = server_database(settings)
    try:
        await OutboxWorker(sessions, settings, SystemClock()).run(stop)
    finally:
        await engine.dispose()
