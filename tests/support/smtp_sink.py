"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, its own thread) that keeps what it receives.

Use the session-wide `smtp_sink` fixture (import it into a test module or conftest) with a unique
recipient per test, or start an `SmtpSink` of your own on a chosen port."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support.server import free_port


@dataclass(frozen=True)
class Received:
    recipients: list[str]
    message: EmailMessage


class SmtpSink:
    """Accepts every message on `url` and lets tests wait for the ones sent to an address."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._controller: Controller | None = None
        self._arrived = threading.Condition()
        self._received: list[Received] = []
        self._returned: Counter[str] = Counter()

    @property
    def url(self) -> str:
        """The value for KEYSTILE_SMTP_URL."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd's hook for each message."""
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self._arrived:
            self._received.append(Received([r.lower() for r in envelope.rcpt_tos], message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def received(self, to: str) -> list[EmailMessage]:
        """Every message delivered to `to` so far, oldest first."""
        with self._arrived:
            return [r.message for r in self._received if to.lower() in r.recipients]

    def wait_for(self, to: str, timeout: float = 10.0) -> EmailMessage:
        """The next message to `to` that `wait_for` has not returned yet; AssertionError after `timeout`."""
        key = to.lower()
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.received(key)) > self._returned[key], timeout):
                raise AssertionError(f"no new email to {to} within {timeout} s")
            message = self.received(key)[self._returned[key]]
            self._returned[key] += 1
            return message


def body_text(message: EmailMessage) -> str:
    """The text/plain part of a received message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "no text/plain part"
    return str(part.get_content())


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    """One sink for the whole run; tests keep apart by sending to their own addresses."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()
