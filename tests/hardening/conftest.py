"""Fixtures of the hardening tests: keystile servers started with their own settings, on a shared
database (a PostgreSQL one per module when asked), and a TCP proxy to cut or slow a real database or
Redis away from them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.support.databases import drop_database, fresh_database
from tests.support.proxy import TcpProxy
from tests.support.server import KeystileServer

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# One at-rest key for every server these tests start, so servers sharing a database read each other's.
ENCRYPTION_KEY = Fernet.generate_key().decode()
StartServer = Callable[..., KeystileServer]


@pytest.fixture(scope="module")
def postgres_url(run_dir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL database for the servers of one test module."""
    name = f"keystile_{request.module.__name__.rsplit('.', 1)[-1]}_{os.getpid()}"
    yield fresh_database("postgresql", name, run_dir)
    drop_database("postgresql", name)


@pytest.fixture
def start_server(run_dir: Path, request: pytest.FixtureRequest) -> Iterator[StartServer]:
    """Start keystile servers with extra `KEYSTILE_*` settings; all are stopped after the test."""
    started: list[KeystileServer] = []

    def start(database_url: str, **env: str) -> KeystileServer:
        name = f"{request.node.name}-{len(started)}".replace("/", "_")
        settings = {"KEYSTILE_ENCRYPTION_KEY": ENCRYPTION_KEY, **env}
        server = KeystileServer(database_url, run_dir / f"{name}.log", extra_env=settings)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def proxy_to() -> Iterator[Callable[[str, int], TcpProxy]]:
    proxies: list[TcpProxy] = []

    def start(host: str, port: int) -> TcpProxy:
        proxies.append(TcpProxy(host, port).start())
        return proxies[-1]

    yield start
    for proxy in proxies:
        proxy.stop()
