"""Delivery in a real server process: the dev inbox (when it is on) or the outbox (when it is off)
while no SMTP server is configured, SMTP when one is, and the standalone `keystile worker` command."""

from __future__ import annotations

import html
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.delivery.models import PENDING, OutboxMessage
from keystile.delivery.outbox import enqueue_email
from keystile.ids import new_id
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink, body_text

LINK = "http://localhost:3000/authenticate?token=dev&type=magic_links"
FAST_POLL = {"KEYSTILE_OUTBOX_POLL_SECONDS": "0.05"}
SMS_URL = "http://AC0:token@127.0.0.1:9"


def enqueue(database_url: str, project_id: str, to: str) -> str:
    return run_in_transaction(
        Settings(database_url=database_url),
        lambda session: enqueue_email(
            session,
            project_id=project_id,
            to=to,
            template="login",
            context={"link": LINK, "expiration_minutes": 60},
            now=SystemClock().now(),
        ),
    )


def wait_for_inbox(server: KeystileServer, project: Project) -> list[Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        response = httpx.get(f"{server.base_url}dev/inbox.json", auth=(project.project_id, project.secret))
        assert response.status_code == 200
        if messages := response.json():
            return list(messages)
        time.sleep(0.05)
    raise AssertionError(f"nothing reached the dev inbox of {project.project_id}")


def stored_status(database_url: str, message_id: str) -> str | None:
    query = select(OutboxMessage.status).where(OutboxMessage.message_id == message_id)
    return run_in_transaction(Settings(database_url=database_url), lambda session: session.scalar(query))


@pytest.fixture
def start_server(outbox_database_url: str, run_dir: Path) -> Iterator[Any]:
    started: list[KeystileServer] = []

    def start(env: dict[str, str]) -> KeystileServer:
        log = run_dir / f"delivery-{new_id('server')}.log"
        started.append(KeystileServer(outbox_database_url, log, extra_env={**FAST_POLL, **env}).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_without_smtp_mail_goes_to_the_dev_inbox(start_server: Any, outbox_database_url: str) -> None:
    server: KeystileServer = start_server({"KEYSTILE_DEV_INBOX": "true"})
    project, other = server.create_project(), server.create_project()
    to = f"{new_id('dev')}@example.com"
    message_id = enqueue(outbox_database_url, project.project_id, to)
    enqueue(outbox_database_url, other.project_id, to)

    [message] = wait_for_inbox(server, project)
    assert message["message_id"] == message_id
    assert (message["project_id"], message["to"], message["subject"]) == (
        project.project_id,
        to,
        "Your login link",
    )
    assert message["links"] == [LINK]
    assert LINK in message["body_text"] and message["body_html"].startswith("<!doctype html>")
    assert message["created_at"].endswith("Z")

    [others] = wait_for_inbox(server, other)
    assert others["message_id"] != message_id
    page = httpx.get(f"{server.base_url}dev/inbox", auth=(project.project_id, project.secret))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'<a href="{html.escape(LINK)}">' in page.text
    assert other.project_id not in page.text
    assert "/dev/inbox" not in httpx.get(f"{server.base_url}openapi.json").text
    logged = [line for line in server.log_path.read_text().splitlines() if message_id in line]
    assert len(logged) == 1 and "dev_inbox_email" in logged[0] and LINK in logged[0]


def test_with_neither_smtp_nor_the_dev_inbox_mail_waits_in_the_outbox(
    start_server: Any, outbox_database_url: str
) -> None:
    server: KeystileServer = start_server({})
    message_id = enqueue(
        outbox_database_url, server.create_project().project_id, f"{new_id('w')}@example.com"
    )
    time.sleep(0.5)  # ten polls of the worker
    assert stored_status(outbox_database_url, message_id) == PENDING
    assert httpx.get(f"{server.base_url}dev/inbox").status_code == 404
    logged = server.log_path.read_text()
    assert "outbox_channel_not_configured" in logged and message_id not in logged


def test_with_smtp_mail_is_sent_and_the_dev_inbox_is_hidden(
    start_server: Any, outbox_database_url: str, smtp_sink: SmtpSink
) -> None:
    # With an SMS provider too, nothing goes to the dev inbox any more.
    server: KeystileServer = start_server({"KEYSTILE_SMTP_URL": smtp_sink.url, "KEYSTILE_SMS_URL": SMS_URL})
    to = f"{new_id('smtp')}@example.com"
    enqueue(outbox_database_url, new_id("project"), to)

    assert LINK in body_text(smtp_sink.wait_for(to))
    for path in ("dev/inbox", "dev/inbox.json"):
        response = httpx.get(f"{server.base_url}{path}")
        assert response.status_code == 404
        assert response.json()["error_type"] == "route_not_found"
    assert LINK not in server.log_path.read_text()


@pytest.mark.server  # starts `keystile worker`
def test_the_worker_command_sends_until_terminated(
    outbox_database_url: str, smtp_sink: SmtpSink, run_dir: Path
) -> None:
    env = KeystileServer(
        outbox_database_url,
        run_dir / "unused.log",
        extra_env={**FAST_POLL, "KEYSTILE_SMTP_URL": smtp_sink.url},
    ).env()
    worker = subprocess.Popen([sys.executable, "-m", "keystile", "worker"], env=env)
    try:
        to = f"{new_id('worker')}@example.com"
        enqueue(outbox_database_url, new_id("project"), to)
        assert LINK in body_text(smtp_sink.wait_for(to))
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
