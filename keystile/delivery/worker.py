"""The outbox worker: claims due messages with a lease (one winner across workers and servers),
sends each through its channel's transport (email, SMS, WhatsApp), retries failures with capped
exponential backoff, clears the body of each message once it is sent or given up on, and deletes old
messages."""

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
from keystile.delivery.dev_inbox import DevInboxSender, dev_inbox_channels
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
# Messages are deleted this long after their last attempt: the longest a link they carried lives.
RETENTION = timedelta(days=7)
PURGE_INTERVAL = timedelta(minutes=10)

log = structlog.get_logger("keystile.delivery")


class MessageSender(Protocol):
    async def send(self, message: OutboxMessage) -> None: ...


def email_sender(settings: Settings) -> MessageSender | None:
    """SMTP when `smtp_url` is set, the dev inbox when that is on, otherwise none."""
    if settings.smtp_url is not None:
        return SmtpSender(SmtpServer.from_url(settings.smtp_url), settings.smtp_from)
    return DevInboxSender() if settings.dev_inbox else None


def channel_senders(settings: Settings) -> dict[str, MessageSender]:
    """The sender of each channel this worker can deliver; the others' messages wait (a warning
    says so), for another worker configured with their transport."""
    texts = text_sender(settings)
    senders = {EMAIL: email_sender(settings), SMS: texts, WHATSAPP: texts}
    for channel, sender in senders.items():
        if sender is None:
            log.warning("outbox_channel_not_configured", channel=channel)
    return {channel: sender for channel, sender in senders.items() if sender is not None}


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
        self.senders = channel_senders(settings)
        self.channels = tuple(self.senders)
        # Messages delivered to the dev inbox keep their body, for the inbox to show.
        self.inbox_channels = dev_inbox_channels(settings)
        self.next_purge: datetime | None = None

    async def drain_once(self) -> int:
        """Delete old messages (every PURGE_INTERVAL), then try every message due now on this
        worker's channels (at most BATCH_SIZE); return how many were sent."""
        await self._purge_if_due()
        async with self.sessions() as session:
            due = await OutboxRepository(session).due_message_ids(self.clock.now(), BATCH_SIZE, self.channels)
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

    async def _purge_if_due(self) -> None:
        now = self.clock.now()
        if self.next_purge is not None and now < self.next_purge:
            return
        self.next_purge = now + PURGE_INTERVAL
        async with unit_of_work(self.sessions) as session:
            deleted = await OutboxRepository(session).purge(before=now - RETENTION, now=now)
        if deleted:
            log.info("outbox_purged", messages=deleted)

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
                message_id,
                lease_until=lease_until,
                now=self.clock.now(),
                keep_body=message.channel in self.inbox_channels,
            )
        return True

    async def _record_failure(self, message: OutboxMessage, lease_until: datetime, error_class: str) -> None:
        give_up = message.attempts >= MAX_ATTEMPTS
        now = self.clock.now()
        async with unit_of_work(self.sessions) as session:
            await OutboxRepository(session).record_failure(
                message.message_id,
                lease_until=lease_until,
                error_class=error_class,
                # A message given up on keeps the time of its last attempt, which its purge counts from.
                next_attempt_at=now if give_up else now + retry_delay(message.attempts),
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
