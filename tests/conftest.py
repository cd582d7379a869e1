"""Shared fixtures: a migrated database and a running keystile server per engine, fresh projects,
and the official Stytch SDK pointed at the server; the tier markers, set on every test by where it
lives and what it starts."""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import stytch
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from keystile.db.engine import create_engine, session_factory
from keystile.devtools.sms_sink import SmsSink
from tests.support.databases import ALL_ENGINES, drop_database, fresh_database, selected_engines
from tests.support.hostile import api
from tests.support.server import KeystileServer, Project
from tests.support.services import b2b_project_id, cipher, keys, project_id
from tests.support.sms_sink import sms_sink
from tests.support.smtp_sink import SmtpSink, smtp_sink

__all__ = ["api", "b2b_project_id", "cipher", "keys", "project_id", "sms_sink", "smtp_sink"]

# Tier directories: what every test below them needs besides pytest (a server at the least).
TIER_MARKERS = {
    "sdk": ("sdk", "server"),
    "e2e": ("browser", "server"),
    "hardening": ("hardening", "server"),
    "security": ("security", "server"),
    "cli": ("server",),
}
# Fixtures that start a keystile process.
SERVER_FIXTURES = {"server", "start_server", "dev_keystile", "idp_server"}


def tier_markers(item: pytest.Item, engines_asked: bool) -> set[str]:
    """The markers of one test: its tier directory's; `server` when it uses a fixture that starts
    keystile (or is marked so, starting one itself); else `fast` (in-process), on SQLite or no
    database only unless KEYSTILE_TEST_ENGINES asks for the others."""
    package = Path(str(item.path)).relative_to(Path(__file__).parent).parts[0]
    markers = set(TIER_MARKERS.get(package, ()))
    if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("server"):
        markers.add("server")
    if markers:
        return markers
    params = getattr(item, "callspec", None)
    engines = {v for v in params.params.values() if v in ALL_ENGINES} if params else set()
    if engines_asked or engines <= {"sqlite"}:
        markers.add("fast")
    return markers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier, so `-m fast` (or `-m "not browser"`) selects without anyone
    having to remember to mark a new test."""
    engines_asked = bool(os.environ.get("KEYSTILE_TEST_ENGINES"))
    for item in items:
        for name in tier_markers(item, engines_asked):
            item.add_marker(name)


@pytest.fixture(autouse=True)
def no_process_in_fast_tests(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast test that starts a process (a keystile, the CLI) fails: it belongs to the server tier,
    so it should use the `server` fixture or be marked `server`."""
    if request.node.get_closest_marker("fast"):

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("a fast (in-process) test started a process: mark it `server`")

        monkeypatch.setattr(subprocess, "Popen", refuse)


def database_name() -> str:
    """Unique per test process (each xdist worker is one), so parallel runs never share a database."""
    return f"keystile_t{os.getpid()}"


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keystile")


@pytest.fixture(scope="session", params=selected_engines())
def database_url(request: pytest.FixtureRequest, run_dir: Path) -> Iterator[str]:
    """A fresh, migrated database on each engine under test."""
    engine = str(request.param)
    name = database_name()
    url = fresh_database(engine, name, run_dir)
    yield url
    drop_database(engine, name)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, disposed of after the test."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def db_sessions(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions for units of work on the test database, without a deadline (as the CLI runs)."""
    return session_factory(engine)


@pytest.fixture(scope="session")
def server(
    database_url: str, run_dir: Path, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> Iterator[KeystileServer]:
    """One running keystile per engine, mailing through the session's SMTP sink and texting through
    its SMS sink; tests isolate themselves with their own projects (and their own recipients)."""
    engine = database_url.split(":", 1)[0]
    env = {
        # The tests create sessions directly in the server's database: they share its encryption key.
        "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "KEYSTILE_SMTP_URL": smtp_sink.url,
        "KEYSTILE_SMS_URL": sms_sink.url,
        "KEYSTILE_OUTBOX_POLL_SECONDS": "0.1",
    }
    srv = KeystileServer(database_url, run_dir / f"server-{engine}.log", extra_env=env).start()
    yield srv
    srv.stop()


@pytest.fixture
def project(server: KeystileServer) -> Project:
    return server.create_project()


@pytest.fixture
def client(server: KeystileServer, project: Project) -> stytch.Client:
    return stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


@pytest.fixture
def b2b_project(server: KeystileServer) -> Project:
    return server.create_project(vertical="b2b")


@pytest.fixture
def b2b_client(server: KeystileServer, b2b_project: Project) -> stytch.B2BClient:
    return stytch.B2BClient(
        b2b_project.project_id, b2b_project.secret, environment=server.base_url, suppress_warnings=True
    )
