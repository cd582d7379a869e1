"""The seed apps under examples/ as real processes for the browser tests, the dev inbox they mail
through, and the screenshots the tests leave for a reviewer."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Page

from tests.support.server import KeystileServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def create_project(keystile: KeystileServer, name: str, vertical: str, redirect_url: str) -> dict[str, str]:
    """A project made the way the examples' `run` scripts make theirs: `keystile projects create --json`."""
    created = keystile.cli_json(
        "projects",
        "create",
        "--name",
        name,
        "--vertical",
        vertical,
        "--environment",
        "test",
        "--redirect-url",
        redirect_url,
        "--json",
    )
    assert isinstance(created, dict)
    return created


@contextmanager
def running_app(command: list[str], *, port: int, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Start an example app on 127.0.0.1:`port`, wait until its home page answers, yield its URL."""
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"{command} exited early:\n{log_path.read_text()}")
            try:
                if httpx.get(f"{base_url}/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{command} did not answer:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def click_link_in_dev_inbox(
    page: Page, keystile: KeystileServer, project: dict[str, str], to: str, *, nth_email: int = 1
) -> None:
    """Wait for the `nth_email` message to `to`, open keystile's dev inbox with the project's
    credentials (what a person types into the browser's sign-in prompt) and click its sign-in link,
    as a person following the README would."""
    inbox = f"{keystile.base_url}dev/inbox"
    credentials = (project["project_id"], project["secret"])

    def emails_to() -> int:
        messages = httpx.get(f"{inbox}.json", auth=credentials).json()
        return sum(message["to"] == to for message in messages)

    deadline = time.monotonic() + 15
    while emails_to() < nth_email:
        assert time.monotonic() < deadline, f"no email number {nth_email} to {to} in the dev inbox"
        time.sleep(0.1)
    # The credentials go with the inbox's requests only, never to the app the link leads to.
    basic = base64.b64encode(":".join(credentials).encode()).decode()
    page.route(
        lambda url: url.startswith(inbox),
        lambda route: route.continue_(headers={**route.request.headers, "authorization": f"Basic {basic}"}),
    )
    page.goto(f"{inbox}?project_id={project['project_id']}")
    newest = page.locator("article", has_text=to).first  # the inbox lists the newest first
    newest.locator("a[href*='stytch_token_type=']").first.click()


def save_screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """A full-page PNG under the test's tmp dir, copied to tests/e2e/screenshots/ (git-ignored)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SCREENSHOTS / path.name)
    print(f"screenshot of {name}: {path} (copy: {SCREENSHOTS / path.name})")
    return path
