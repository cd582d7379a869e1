"""H4: the dev inbox is off unless `KEYSTILE_DEV_INBOX=true`; SMS and WhatsApp sends without a provider
are refused; a dev inbox that is on answers only on loopback and shows a project's messages only to
that project's credentials."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from keystile.delivery.models import OutboxMessage
from tests.hardening.conftest import StartServer
from tests.support.databases import fresh_database
from tests.support.limits import assert_stytch_error, call
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project, free_port
from tests.support.sms_sink import new_phone_number
from tests.support.smtp_sink import SmtpSink

DEV = {"KEYSTILE_DEV_INBOX": "true", "KEYSTILE_OUTBOX_POLL_SECONDS": "0.05"}


@pytest.fixture(scope="module")
def own_database(run_dir: Path) -> str:
    """A database of this module's own: a worker of another test's server sharing the database would
    deliver (by SMTP) the messages these tests expect in the dev inbox."""
    return fresh_database("sqlite", f"keystile_h4_{os.getpid()}", run_dir)


@pytest.fixture(scope="module")
def dev_server(own_database: str, run_dir: Path) -> Iterator[KeystileServer]:
    server = KeystileServer(own_database, run_dir / "h4-dev.log", extra_env=DEV).start()
    yield server
    server.stop()


def outbox_rows_to(database_url: str, recipient: str) -> int:
    query = select(func.count()).where(OutboxMessage.recipient == recipient)
    return int(run_in_transaction(Settings(database_url=database_url), lambda s: s.scalar(query)))


def inbox(server: KeystileServer, page: str = "dev/inbox.json", **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{server.base_url}{page}", timeout=10, **kwargs)


def wait_for_message(server: KeystileServer, project: Project, to: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        response = inbox(server, auth=(project.project_id, project.secret))
        assert response.status_code == 200, response.text
        found = [m for m in response.json() if m["to"] == to]
        if found:
            return dict(found[0])
        time.sleep(0.05)
    raise AssertionError(f"nothing to {to} in the dev inbox")


def test_h4_a_default_server_has_no_dev_inbox_and_refuses_texts_without_a_provider(
    own_database: str, start_server: StartServer, smtp_sink: SmtpSink
) -> None:
    # The review's production-like server: SMTP configured, no SMS provider, nothing else set.
    server = start_server(own_database, KEYSTILE_SMTP_URL=smtp_sink.url)
    for page in ("dev/inbox", "dev/inbox.json"):
        assert_stytch_error(inbox(server, page), 404, "route_not_found")
    project = server.create_project()
    for channel in ("sms", "whatsapp"):
        phone = new_phone_number()
        refused = call(server, project, f"/v1/otps/{channel}/login_or_create", {"phone_number": phone})
        assert_stytch_error(refused, 400, "sms_not_configured")
        assert outbox_rows_to(own_database, phone) == 0
    # Email still goes out, and no link reaches the log.
    to = new_address("h4")
    sent = call(server, project, "/v1/magic_links/email/login_or_create", {"email": to})
    assert sent.status_code == 200, sent.text
    smtp_sink.wait_for(to)
    assert "stytch_token_type" not in server.log_path.read_text()


def test_h4_the_dev_inbox_refuses_to_serve_on_a_non_loopback_bind(own_database: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSTILE_")}
    env.update({"KEYSTILE_DATABASE_URL": own_database, **DEV})
    command = [sys.executable, "-m", "keystile", "serve", "--host", "0.0.0.0", "--port", str(free_port())]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired as error:
        raise AssertionError("keystile served the dev inbox on 0.0.0.0") from error
    assert done.returncode != 0
    assert "KEYSTILE_DEV_INBOX" in done.stderr and "loopback" in done.stderr


def test_h4_the_dev_inbox_answers_only_a_loopback_host(dev_server: KeystileServer) -> None:
    project = dev_server.create_project()
    credentials = (project.project_id, project.secret)
    # A DNS-rebinding page reaches 127.0.0.1 under its own name.
    for host in ("attacker.example", f"attacker.example:{dev_server.port}", "127.0.0.1.nip.io"):
        refused = inbox(dev_server, headers={"Host": host}, auth=credentials)
        assert_stytch_error(refused, 400, "bad_request")
    for host in (f"localhost:{dev_server.port}", f"127.0.0.1:{dev_server.port}", "localhost", "[::1]:80"):
        assert inbox(dev_server, headers={"Host": host}, auth=credentials).status_code == 200


def test_h4_the_dev_inbox_shows_a_project_only_to_its_credentials(dev_server: KeystileServer) -> None:
    owner, other = dev_server.create_project(), dev_server.create_project()
    to, phone = new_address("h4-owner"), new_phone_number()
    assert call(dev_server, owner, "/v1/magic_links/email/login_or_create", {"email": to}).status_code == 200
    # With the dev inbox on, a text without a provider goes to the inbox instead of being refused.
    texted = call(dev_server, owner, "/v1/otps/sms/login_or_create", {"phone_number": phone})
    assert texted.status_code == 200, texted.text
    emailed = wait_for_message(dev_server, owner, to)
    assert "stytch_token_type=magic_links" in emailed["links"][0]
    assert "verification code" in wait_for_message(dev_server, owner, phone)["body_text"]

    for page in ("dev/inbox", "dev/inbox.json"):
        anonymous = inbox(dev_server, page, params={"project_id": owner.project_id})
        assert_stytch_error(anonymous, 401, "unauthorized_credentials")
        assert anonymous.headers["WWW-Authenticate"].startswith("Basic ")
        assert to not in anonymous.text and phone not in anonymous.text
        wrong_secret = inbox(dev_server, page, auth=(owner.project_id, other.secret))
        assert_stytch_error(wrong_secret, 401, "unauthorized_credentials")
        # Another project's credentials cannot name the owner's project, nor see its messages.
        naming = inbox(
            dev_server, page, params={"project_id": owner.project_id}, auth=(other.project_id, other.secret)
        )
        assert_stytch_error(naming, 401, "unauthorized_credentials")
        own = inbox(dev_server, page, auth=(other.project_id, other.secret))
        assert own.status_code == 200 and to not in own.text and phone not in own.text

    credentials = (owner.project_id, owner.secret)
    page = inbox(dev_server, "dev/inbox", params={"project_id": owner.project_id}, auth=credentials)
    assert page.status_code == 200 and to in page.text and phone in page.text
