"""Browser-test fixtures: one keystile as a person runs it (SQLite, dev inbox), not parametrised by
engine, and Debian's Chromium driven headless by Playwright (never a downloaded browser); for the
`@stytch/vanilla-js` tests, keystile over HTTPS on a host name and an app page serving the SDK."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.vanilla import B2B_LOGIN_PATH, HOST, LOGIN_PATH, PageFiles
from tests.support.certificates import key_and_certificate
from tests.support.server import KeystileServer, Project, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def dev_keystile(run_dir: Path) -> Iterator[KeystileServer]:
    """keystile on SQLite with the dev inbox (no SMTP), as `examples/*/run` starts it."""
    env = {
        "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "KEYSTILE_OUTBOX_POLL_SECONDS": "0.1",
        "KEYSTILE_DEV_INBOX": "true",
    }
    server = KeystileServer(
        f"sqlite:///{run_dir / 'e2e.db'}", run_dir / "keystile-e2e.log", extra_env=env
    ).start()
    yield server
    server.stop()


@contextmanager
def chromium(*args: str) -> Iterator[Browser]:
    """Debian's Chromium, headless, with CHROMIUM_ARGS and `args`, until the block ends."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/test does)", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *args])
        try:
            yield launched
        finally:
            launched.close()


def new_page(browser: Browser) -> Page:
    """A fresh browser profile (no cookies)."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it is
    # open, which would break `asyncio.run` in the sync fixtures of later test modules.
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (no cookies) per test."""
    opened = new_page(browser)
    yield opened
    opened.context.close()


@pytest.fixture
def engine_page() -> Iterator[Page]:
    """A fresh profile of a Chromium of the test's own, for tests parametrised by engine: a module's
    browser would still be open when the next engine's database fixture runs `asyncio.run`."""
    with chromium() as launched:
        yield new_page(launched)


@pytest.fixture(scope="module")
def app_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), partial(PageFiles, directory="/nonexistent"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def tls_keystile(run_dir: Path) -> Iterator[KeystileServer]:
    """keystile on SQLite with the dev inbox, over HTTPS with a throwaway certificate for HOST."""
    key, certificate = key_and_certificate(run_dir, HOST)
    env = {
        "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "KEYSTILE_OUTBOX_POLL_SECONDS": "0.1",
        "KEYSTILE_DEV_INBOX": "true",
    }
    server = KeystileServer(
        f"sqlite:///{run_dir / 'browser-sdk.db'}",
        run_dir / "keystile-browser-sdk.log",
        extra_env=env,
        tls=(certificate, key),
    ).start()
    yield server
    server.stop()


@pytest.fixture
def sdk_page(tls_keystile: KeystileServer, app_origin: str) -> Iterator[Page]:
    """Chromium on the app's page, HOST mapped to the test's keystile (its certificate trusted by no one)."""
    mapping = f"--host-resolver-rules=MAP {HOST}:443 127.0.0.1:{tls_keystile.port}"
    with chromium(mapping, "--ignore-certificate-errors") as launched:
        page = new_page(launched)
        page.goto(app_origin)
        yield page


def sdk_enabled_project(keystile: KeystileServer, app_origin: str, vertical: str, *paths: str) -> Project:
    """A test project of `vertical`, made by the CLI as a developer would, redirecting to the app's
    `paths`, its SDK on for the app's origin."""
    redirect_urls = [arg for path in paths for arg in ("--redirect-url", f"{app_origin}{path}")]
    made = keystile.cli_json(
        "projects",
        "create",
        "--name",
        "vanilla",
        "--vertical",
        vertical,
        "--environment",
        "test",
        *redirect_urls,
        "--json",
    )
    assert isinstance(made, dict)
    keystile.cli_json(
        "projects",
        "sdk",
        "--project",
        made["project_id"],
        "--enable",
        "--authorized-domain",
        app_origin,
        "--json",
    )
    return Project(made["project_id"], made["secret"], made["public_token"], vertical, "test")


@pytest.fixture
def sdk_project(tls_keystile: KeystileServer, app_origin: str) -> Project:
    return sdk_enabled_project(tls_keystile, app_origin, "consumer", "/authenticate", LOGIN_PATH)


@pytest.fixture
def b2b_sdk_project(tls_keystile: KeystileServer, app_origin: str) -> Project:
    return sdk_enabled_project(tls_keystile, app_origin, "b2b", B2B_LOGIN_PATH)
