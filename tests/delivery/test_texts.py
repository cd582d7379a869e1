"""SMS and WhatsApp through the outbox on a real database: the Twilio wire format against the loopback
provider, retries when the provider refuses, the dev inbox when none is configured (and it is on); and
the pure parts (provider URLs, passcode templates, toll-fraud policy checks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from keystile.clock import rfc3339
from keystile.config import Settings
from keystile.db.uow import unit_of_work
from keystile.delivery.dev_inbox import DevInboxMessage, dev_inbox_channels, list_dev_inbox
from keystile.delivery.models import PENDING, SENT, OutboxMessage
from keystile.delivery.outbox import enqueue_text
from keystile.delivery.templates import render_email, render_text
from keystile.delivery.tollfraud import DEFAULT_POLICY, TextPolicy, check_policy, client_network
from keystile.delivery.twilio import TwilioAccount
from keystile.delivery.worker import OutboxWorker
from keystile.devtools.sms_sink import SmsSink
from keystile.errors import KeystileError
from keystile.ids import new_id
from keystile.limits.windows import window_start
from keystile.ui.pages import render_page
from tests.delivery.conftest import FakeClock
from tests.support.sms_sink import new_phone_number

Sessions = Any


@pytest.fixture(autouse=True)
async def empty_outbox(sessions: Sessions) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(delete(OutboxMessage))


@pytest.fixture
def sink() -> Any:
    sink = SmsSink().start()
    yield sink
    sink.stop()


async def enqueue(sessions: Sessions, clock: FakeClock, channel: str, to: str) -> str:
    async with unit_of_work(sessions) as session:
        return await enqueue_text(
            session,
            project_id=new_id("project"),
            channel=channel,
            to=to,
            template="otp",
            context={"code": "123456", "expiration_minutes": 2},
            now=clock.now(),
        )


async def stored(sessions: Sessions, message_id: str) -> OutboxMessage:
    async with sessions() as session:
        message = await session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message_id))
    assert message is not None
    return message


async def test_texts_go_out_in_twilio_wire_format(
    sessions: Sessions, sink: SmsSink, clock: FakeClock, outbox_database_url: str
) -> None:
    phone = new_phone_number()
    settings = Settings(database_url=outbox_database_url, sms_url=sink.url, sms_from="+15017122661")
    await enqueue(sessions, clock, "sms", phone)
    await enqueue(sessions, clock, "whatsapp", phone)
    assert await OutboxWorker(sessions, settings, clock).drain_once() == 2
    by_channel = {m.channel: m for m in sink.messages(phone)}
    assert set(by_channel) == {"sms", "whatsapp"}
    for message in by_channel.values():
        assert message.from_number == "+15017122661"
        assert message.body == "your verification code is 123456. It expires in 2 minutes."


async def test_a_refused_text_waits_for_its_next_attempt(
    sessions: Sessions, sink: SmsSink, clock: FakeClock, outbox_database_url: str
) -> None:
    phone = new_phone_number()
    wrong_token = sink.url.replace(sink.auth_token, "not-the-token")
    message_id = await enqueue(sessions, clock, "sms", phone)
    refused = OutboxWorker(sessions, Settings(database_url=outbox_database_url, sms_url=wrong_token), clock)
    assert await refused.drain_once() == 0
    message = await stored(sessions, message_id)
    assert (message.status, message.attempts, message.last_error) == (PENDING, 1, "HTTPStatusError")
    assert sink.messages(phone) == []

    clock.advance(2)
    accepted = OutboxWorker(sessions, Settings(database_url=outbox_database_url, sms_url=sink.url), clock)
    assert await accepted.drain_once() == 1
    assert (await stored(sessions, message_id)).status == SENT
    assert len(sink.messages(phone)) == 1


async def test_without_a_provider_texts_go_to_the_dev_inbox_when_it_is_on(
    sessions: Sessions, clock: FakeClock, outbox_database_url: str
) -> None:
    settings = Settings(database_url=outbox_database_url, smtp_url="smtp://127.0.0.1:9", dev_inbox=True)
    assert dev_inbox_channels(settings) == ("sms", "whatsapp")
    assert dev_inbox_channels(Settings(sms_url="http://a:b@127.0.0.1:9", dev_inbox=True)) == ("email",)
    assert dev_inbox_channels(Settings()) == ()
    phone, project_id = new_phone_number(), new_id("project")
    async with unit_of_work(sessions) as session:
        message_id = await enqueue_text(
            session,
            project_id=project_id,
            channel="whatsapp",
            to=phone,
            template="otp",
            context={"code": "654321", "expiration_minutes": 10},
            now=clock.now(),
        )
    assert await OutboxWorker(sessions, settings, clock).drain_once() == 1
    async with sessions() as session:
        inbox = await list_dev_inbox(session, channels=("sms", "whatsapp"), project_id=project_id, limit=100)
        emails_only = await list_dev_inbox(session, channels=("email",), project_id=project_id, limit=100)
        another = await list_dev_inbox(
            session, channels=("sms", "whatsapp"), project_id=new_id("project"), limit=100
        )
    [message] = inbox
    assert (message.message_id, message.channel, message.to, message.subject) == (
        message_id,
        "whatsapp",
        phone,
        "",
    )
    assert "654321" in message.body_text
    assert emails_only == another == []


async def test_without_a_provider_or_the_dev_inbox_texts_are_left_alone(
    sessions: Sessions, clock: FakeClock, outbox_database_url: str
) -> None:
    message_id = await enqueue(sessions, clock, "sms", new_phone_number())
    settings = Settings(database_url=outbox_database_url, smtp_url="smtp://127.0.0.1:9")
    assert await OutboxWorker(sessions, settings, clock).drain_once() == 0
    message = await stored(sessions, message_id)
    assert (message.status, message.attempts) == (PENDING, 0)


def test_the_dev_inbox_page_shows_texts() -> None:
    text = DevInboxMessage(
        message_id="message-test-1",
        project_id="project-test-1",
        channel="sms",
        to="+12025550123",
        subject="",
        body_text="your verification code is 123456.",
        body_html=None,
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
        links=[],
    )
    page = render_page("dev_inbox.html", project_id=text.project_id, messages=[text], rfc3339=rfc3339)
    assert "<h2>SMS</h2>" in page and "sms to <strong>+12025550123</strong>" in page
    assert "your verification code is 123456." in page


def test_provider_urls() -> None:
    account = TwilioAccount.from_url("https://AC123:s%2Fecret@api.twilio.com")
    assert (account.account_sid, account.auth_token) == ("AC123", "s/ecret")
    assert account.messages_url == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    local = TwilioAccount.from_url("http://AC9:t@[::1]:8025/prefix/")
    assert local.messages_url == "http://[::1]:8025/prefix/2010-04-01/Accounts/AC9/Messages.json"
    for bad in ("ftp://a:b@host", "https://host", "https://AC1@host", "https://AC1:secret-token@"):
        with pytest.raises(ValueError) as caught:
            TwilioAccount.from_url(bad)
        assert "secret-token" not in str(caught.value)


def test_passcode_templates() -> None:
    email = render_email("otp", {"code": "123456", "expiration_minutes": 2, "project_name": "<Acme>"})
    assert "123456" in email.body_text and "123456" in email.body_html and "123456" not in email.subject
    assert "2 minutes" in email.body_text and "&lt;Acme&gt;" in email.body_html
    assert render_text("otp", {"code": "000111", "expiration_minutes": 1, "project_name": "Acme"}) == (
        "Acme: your verification code is 000111. It expires in 1 minute."
    )
    with pytest.raises(ValueError, match="unknown text template"):
        render_text("welcome", {})


def test_policy_checks() -> None:
    assert check_policy(TextPolicy(("us", "GB", "US"), 1, 2, 3)) == TextPolicy(("GB", "US"), 1, 2, 3)
    assert check_policy(DEFAULT_POLICY) == DEFAULT_POLICY
    for bad in (
        TextPolicy(("XX",), 1, 1, 1),
        TextPolicy(("US",), -1, 1, 1),
        TextPolicy(("US",), 1, 1, 10**7),
    ):
        with pytest.raises(KeystileError):
            check_policy(bad)
    assert client_network("2001:db8::1") == client_network("2001:db8::ffff:1") == "2001:db8::/64"
    assert client_network("198.51.100.7") == "198.51.100.7"
    with pytest.raises(KeystileError, match="invalid_ip_address"):
        client_network("198.51.100.300")


def test_windows_are_aligned_hours() -> None:
    moment = datetime(2026, 11, 26, 5, 59, 59, 999_999, tzinfo=UTC)
    assert window_start(moment, timedelta(hours=1)) == datetime(2026, 11, 26, 5, tzinfo=UTC)
    assert window_start(moment + timedelta(microseconds=1), timedelta(hours=1)) == datetime(
        2026, 11, 26, 6, tzinfo=UTC
    )
