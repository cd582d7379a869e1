"""Rate limits per IP and per project hold across two servers sharing one database (counted in the
database or in Redis), refuse with `too_many_requests` and `Retry-After`, and fail closed when Redis
is cut away."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.hardening.conftest import REDIS_HOST, REDIS_PORT, StartServer
from tests.support.limits import (
    assert_retry_after,
    assert_stytch_error,
    call,
    random_ip,
    send_magic_link,
)
from tests.support.proxy import TcpProxy
from tests.support.server import KeystileServer

REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
# The tests' requests come from 127.0.0.1 and name their client address in X-Forwarded-For.
BEHIND_LOCAL_PROXY = {"KEYSTILE_TRUSTED_PROXIES": "127.0.0.1"}
LIMITS = {
    **BEHIND_LOCAL_PROXY,
    "KEYSTILE_RATE_LIMIT_WINDOW_SECONDS": "3600",
    "KEYSTILE_RATE_LIMIT_SENDS_PER_IP": "3",
    "KEYSTILE_RATE_LIMIT_SENDS_PER_PROJECT": "5",
}


@pytest.fixture(params=["database", "redis"])
def two_servers(
    request: pytest.FixtureRequest, database_url: str, start_server: StartServer
) -> tuple[KeystileServer, KeystileServer]:
    env = {**LIMITS, **({"KEYSTILE_REDIS_URL": REDIS_URL} if request.param == "redis" else {})}
    return start_server(database_url, **env), start_server(database_url, **env)


def _statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


def test_sends_per_project_hold_across_servers(two_servers: tuple[KeystileServer, KeystileServer]) -> None:
    project = two_servers[0].create_project()
    with ThreadPoolExecutor(10) as pool:
        responses = list(
            pool.map(lambda i: send_magic_link(two_servers[i % 2], project, ip=random_ip()), range(10))
        )
    assert _statuses(responses) == [200] * 5 + [429] * 5
    for refused in (r for r in responses if r.status_code == 429):
        assert_stytch_error(refused, 429, "too_many_requests")
        assert_retry_after(refused, 3600)


def test_sends_per_ip_hold_across_servers_and_projects(
    two_servers: tuple[KeystileServer, KeystileServer],
) -> None:
    ip = random_ip()
    projects = [two_servers[0].create_project() for _ in range(2)]
    with ThreadPoolExecutor(8) as pool:
        responses = list(
            pool.map(lambda i: send_magic_link(two_servers[i % 2], projects[i // 4], ip=ip), range(8))
        )
    assert _statuses(responses) == [200] * 3 + [429] * 5
    # Another address from the same project is not affected.
    assert send_magic_link(two_servers[1], projects[0], ip=random_ip()).status_code == 200


def test_per_email_throttle_says_when_to_retry(two_servers: tuple[KeystileServer, KeystileServer]) -> None:
    project = two_servers[0].create_project()
    body = {"email": "again@example.com"}
    first = call(two_servers[0], project, "/v1/magic_links/email/login_or_create", body, ip=random_ip())
    assert first.status_code == 200, first.json()
    again = call(two_servers[1], project, "/v1/magic_links/email/login_or_create", body, ip=random_ip())
    assert_stytch_error(again, 429, "too_many_requests")
    assert_retry_after(again, 3600)


def test_sends_fail_closed_while_redis_is_down(
    database_url: str, start_server: StartServer, proxy_to: Callable[[str, int], TcpProxy]
) -> None:
    redis = proxy_to(REDIS_HOST, REDIS_PORT)
    server = start_server(
        database_url, KEYSTILE_REDIS_URL=f"redis://127.0.0.1:{redis.port}/0", **BEHIND_LOCAL_PROXY
    )
    project = server.create_project()
    assert send_magic_link(server, project, ip=random_ip()).status_code == 200

    redis.cut()
    refused = send_magic_link(server, project, ip=random_ip())
    assert_stytch_error(refused, 503, "service_unavailable")
    assert_retry_after(refused, 60)
    # Limits that fail open do not stop the rest of the API.
    check = call(server, project, "/v1/otps/authenticate", {"method_id": "email-test-x", "code": "123456"})
    assert check.status_code < 500, check.json()

    redis.restore()
    assert send_magic_link(server, project, ip=random_ip()).status_code == 200
