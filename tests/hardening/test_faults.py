"""Faults a deployment must survive, with real processes: PostgreSQL cut away or slowed down behind a
TCP proxy (503 with Retry-After, no partial writes, recovery by itself), a server killed with SIGKILL
mid-flow, and two servers sharing one PostgreSQL database."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

import asyncpg
import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from keystile.clock import SystemClock
from keystile.db.engine import create_engine, session_factory
from keystile.db.uow import unit_of_work
from keystile.identity.repository import UserRepository
from keystile.identity.service import NewUser, create_user
from keystile.projects.models import Project
from keystile.projects.service import create_project
from tests.hardening.conftest import StartServer
from tests.support.databases import PG_DSN
from tests.support.limits import assert_retry_after, assert_stytch_error, call
from tests.support.magic_links import new_address, received_link, token_of
from tests.support.proxy import TcpProxy
from tests.support.server import KeystileServer
from tests.support.server import Project as TestProject
from tests.support.smtp_sink import SmtpSink

PG_HOST_PORT = PG_DSN.split("@", 1)[1].split("/", 1)[0]


def _create_user(server: KeystileServer, project: TestProject, email: str) -> httpx.Response:
    return call(server, project, "/v1/users", {"email": email})


def _assert_recovers_with_nothing_written(
    server: KeystileServer, project: TestProject, lost_user: str, lost_link: str
) -> None:
    """The server answers again by itself, and the refused requests' transactions were rolled back:
    the user they were creating and the address's per-email send slot are still free."""
    deadline = time.monotonic() + 20
    while (recovered := _create_user(server, project, new_address("after"))).status_code != 200:
        assert time.monotonic() < deadline, recovered.json()
        time.sleep(0.2)
    assert _create_user(server, project, lost_user).status_code == 200
    retried = call(server, project, "/v1/magic_links/email/login_or_create", {"email": lost_link})
    assert retried.status_code == 200, retried.json()


def test_database_outage_is_a_503_with_retry_after_and_recovers(
    postgres_url: str, start_server: StartServer, proxy_to: Callable[[str, int], TcpProxy]
) -> None:
    host, port = PG_HOST_PORT.split(":")
    proxy = proxy_to(host, int(port))
    server = start_server(postgres_url.replace(PG_HOST_PORT, f"127.0.0.1:{proxy.port}"))
    project = server.create_project()
    assert _create_user(server, project, new_address("before")).status_code == 200

    proxy.cut()
    lost_user, lost_link = new_address("lost"), new_address("lost")
    started = time.monotonic()
    for response in (
        _create_user(server, project, lost_user),
        call(server, project, "/v1/magic_links/email/login_or_create", {"email": lost_link}),
        call(server, project, "/v1/sessions/authenticate", {"session_token": "x" * 44}),
    ):
        assert_stytch_error(response, 503, "service_unavailable")
        assert_retry_after(response, 60)
    assert time.monotonic() - started < 15, "an outage must be reported promptly, not waited out"

    proxy.restore()
    _assert_recovers_with_nothing_written(server, project, lost_user, lost_link)


def test_slow_database_is_a_prompt_503_with_retry_after_that_writes_nothing(
    postgres_url: str, start_server: StartServer, proxy_to: Callable[[str, int], TcpProxy]
) -> None:
    host, port = PG_HOST_PORT.split(":")
    proxy = proxy_to(host, int(port))
    proxied = postgres_url.replace(PG_HOST_PORT, f"127.0.0.1:{proxy.port}")
    server = start_server(proxied, KEYSTILE_DATABASE_TIMEOUT_SECONDS="1")
    project = server.create_project()
    assert _create_user(server, project, new_address("before")).status_code == 200

    # Connected but slow: every round trip now takes 6 s, far past the 1 s deadline.
    proxy.slow(3)
    lost_user, lost_link = new_address("slow"), new_address("slow")

    def timed(path: str, body: dict[str, str]) -> tuple[httpx.Response, float]:
        started = time.monotonic()
        response = call(server, project, path, body)
        return response, time.monotonic() - started

    with ThreadPoolExecutor(3) as pool:
        refused = list(
            pool.map(
                lambda request: timed(*request),
                [
                    ("/v1/users", {"email": lost_user}),
                    ("/v1/magic_links/email/login_or_create", {"email": lost_link}),
                    ("/v1/sessions/authenticate", {"session_token": "x" * 44}),
                ],
            )
        )
    for response, elapsed in refused:
        assert_stytch_error(response, 503, "service_unavailable")
        assert_retry_after(response, 60)
        # The deadline, plus at most the 2 s the PostgreSQL driver gives a stalled connection to close
        # (one round trip through the proxy alone takes 6 s).
        assert elapsed < 5, f"answered after {elapsed:.1f} s: the deadline was not kept"

    proxy.restore()
    _assert_recovers_with_nothing_written(server, project, lost_user, lost_link)


async def test_a_transaction_past_its_deadline_is_cut_and_rolled_back_on_every_engine(
    database_url: str,
) -> None:
    """A slow database as each engine most often is one: a lock held by another transaction."""
    engine = create_engine(database_url, deadline_seconds=0.5)
    patient, hurried = session_factory(engine), session_factory(engine, deadline_seconds=0.5)
    now = SystemClock().now()
    try:
        async with unit_of_work(patient) as db:
            created = await create_project(db, name="late", vertical="consumer", redirect_urls=[], now=now)
        project_id = created.project.project_id
        email = new_address("deadline")
        renamed = update(Project).where(Project.project_id == project_id)
        async with unit_of_work(patient) as blocker:
            await blocker.execute(renamed.values(name="blocker"))
            started = time.monotonic()
            # SQLite's lock wait ends with the deadline: "database is locked" may come first.
            # (The outer timeout only keeps a broken deadline from hanging the test: it fails below.)
            with pytest.raises((TimeoutError, OperationalError)):
                async with asyncio.timeout(10), unit_of_work(hurried) as db:
                    await create_user(db, project_id, NewUser(email=email), now=now)
                    await db.execute(renamed.values(name="hurried"))
            # The deadline, plus at most the 2 s the PostgreSQL driver gives a stalled connection to close.
            assert time.monotonic() - started < 3
        async with unit_of_work(patient) as db:
            assert await UserRepository(db, project_id).email_owner(email) is None
            name = await db.scalar(select(Project.name).where(Project.project_id == project_id))
            assert name == "blocker"
    finally:
        await engine.dispose()


async def _users_without_email(database_url: str, project_id: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        count = await connection.fetchval(
            "SELECT count(*) FROM users u WHERE u.project_id = $1 AND NOT EXISTS "
            "(SELECT 1 FROM user_emails e WHERE e.project_id = u.project_id AND e.user_id = u.user_id)",
            project_id,
        )
    finally:
        await connection.close()
    return int(count)


async def _leased_pending(database_url: str, project_id: str) -> set[str]:
    """Recipients of messages still held by a worker's lease, due again once it lapses."""
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT recipient FROM outbox_messages "
            "WHERE project_id = $1 AND status = 'pending' AND lease_until IS NOT NULL",
            project_id,
        )
    finally:
        await connection.close()
    return {row["recipient"] for row in rows}


def test_sigkill_mid_flow_leaves_no_half_user_no_reusable_token_no_lost_or_double_mail(
    postgres_url: str, start_server: StartServer, smtp_sink: SmtpSink
) -> None:
    mail = {"KEYSTILE_SMTP_URL": smtp_sink.url, "KEYSTILE_OUTBOX_POLL_SECONDS": "0.1"}
    first = start_server(postgres_url, **mail)
    project = first.create_project()
    used = new_address("used")
    assert call(first, project, "/v1/magic_links/email/login_or_create", {"email": used}).status_code == 200
    used_token = token_of(received_link(smtp_sink, used))
    assert call(first, project, "/v1/magic_links/authenticate", {"token": used_token}).status_code == 200

    addresses = [new_address("kill") for _ in range(40)]

    def send(email: str) -> int:
        try:
            body = {"email": email}
            return call(first, project, "/v1/magic_links/email/login_or_create", body).status_code
        except httpx.HTTPError:
            return 0  # the server died under this request

    with ThreadPoolExecutor(8) as pool:
        pending = {pool.submit(send, email): email for email in addresses}
        done = 0
        for _ in as_completed(pending):  # kill while later sends are still in flight
            done += 1
            if done == 5:
                assert first.process is not None
                first.process.send_signal(signal.SIGKILL)
        statuses = {email: future.result() for future, email in pending.items()}
    assert 200 in statuses.values() and 0 in statuses.values(), statuses

    second = start_server(postgres_url, **mail)
    accepted = [email for email, status in statuses.items() if status == 200]
    # The restarted server's worker drains what nobody holds, in order: once a message queued after
    # all of those has arrived, so has every one of them.
    control = new_address("control")
    assert (
        call(second, project, "/v1/magic_links/email/login_or_create", {"email": control}).status_code == 200
    )
    received_link(smtp_sink, control)
    # Every accepted send is delivered, or waits in the outbox for the dead worker's lease to lapse.
    delivered = [email for email in accepted if smtp_sink.received(email)]
    leased = asyncio.run(_leased_pending(postgres_url, project.project_id))
    assert set(accepted) - set(delivered) <= leased
    assert delivered, statuses
    for email in addresses:
        assert len(smtp_sink.received(email)) <= 1, email
    tokens = [token_of(received_link(smtp_sink, email)) for email in delivered]
    assert asyncio.run(_users_without_email(postgres_url, project.project_id)) == 0

    reused = call(second, project, "/v1/magic_links/authenticate", {"token": used_token})
    assert_stytch_error(reused, 401, "unable_to_auth_magic_link")
    assert call(second, project, "/v1/magic_links/authenticate", {"token": tokens[0]}).status_code == 200
    again = call(second, project, "/v1/magic_links/authenticate", {"token": tokens[0]})
    assert_stytch_error(again, 401, "unable_to_auth_magic_link")


def test_two_servers_on_one_postgres_database_redeem_a_token_once(
    postgres_url: str, start_server: StartServer, smtp_sink: SmtpSink
) -> None:
    mail = {"KEYSTILE_SMTP_URL": smtp_sink.url, "KEYSTILE_OUTBOX_POLL_SECONDS": "0.1"}
    servers = [start_server(postgres_url, **mail), start_server(postgres_url, **mail)]
    project = servers[0].create_project()
    email = new_address("twice")
    assert (
        call(servers[1], project, "/v1/magic_links/email/login_or_create", {"email": email}).status_code
        == 200
    )
    token = token_of(received_link(smtp_sink, email))
    with ThreadPoolExecutor(20) as pool:
        statuses = list(
            pool.map(
                lambda i: (
                    call(
                        servers[i % 2], project, "/v1/magic_links/authenticate", {"token": token}
                    ).status_code
                ),
                range(20),
            )
        )
    assert sorted(statuses) == [200] + [401] * 19
