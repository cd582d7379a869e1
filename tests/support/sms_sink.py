"""The loopback SMS provider for tests: keystile's Twilio-compatible `SmsSink` in a thread, shared by
the whole run (the `server` fixture sends every SMS and WhatsApp message to it). Tests keep apart by
texting their own numbers."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from keystile.devtools.sms_sink import SmsSink
from tests.support.otps import CODE


def new_phone_number() -> str:
    """A fresh, valid US number in E.164 (the 555 exchange of Washington, DC)."""
    return f"+1202555{secrets.randbelow(10_000):04d}"


def received_code(sink: SmsSink, to: str, timeout: float = 15.0) -> str:
    """The six-digit code in the next text message to `to`."""
    found = CODE.search(sink.wait_for(to, timeout=timeout).body)
    assert found is not None, "no code in the message"
    return found.group(1)


@pytest.fixture(scope="session")
def sms_sink() -> Iterator[SmsSink]:
    sink = SmsSink().start()
    yield sink
    sink.stop()
