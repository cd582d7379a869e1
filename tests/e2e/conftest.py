"""Browser-test fixtures: one keystile as a person runs it (SQLite, dev inbox), not parametrised by
engine, and Debian's Chromium driven headless by Playwright (never a downloaded browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.server import KeystileServer

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it is
    # open, which would break `asyncio.run` in the sync fixtures of later test modules.
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/test does)", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (no cookies) per test."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()
