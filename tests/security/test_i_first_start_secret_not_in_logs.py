"""Info (first-start secret in logs): the secret of the project `keystile serve` creates on a fresh
embedded database went to stdout, i.e. into docker/journald logs. Now it is shown on the terminal only
when stdout is one; otherwise it is written to a file beside the database that only its owner may
read, and the log names that file."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.server import KeystileServer, free_port

SECRET = re.compile(r"secret-test-[A-Za-z0-9_-]{43}")


def test_i_without_a_terminal_the_secret_goes_to_a_private_file_not_the_log(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "keystile.db"
    server = KeystileServer(f"sqlite:///{database}", tmp_path / "server.log").start()
    try:
        logged = server.log_path.read_text()
    finally:
        server.stop()
    shown_in = database.parent / "first-project.json"
    shown = json.loads(shown_in.read_text())
    assert SECRET.fullmatch(shown["secret"]) and shown["environment"] == "test"
    assert stat.S_IMODE(shown_in.stat().st_mode) == 0o600
    assert not SECRET.search(logged) and "secret-" not in logged
    assert str(shown_in) in logged and shown["project_id"] in logged


def test_i_on_a_terminal_the_secret_is_shown_there_only(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "keystile.db"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSTILE_")}
    env["KEYSTILE_DATABASE_URL"] = f"sqlite:///{database}"
    terminal, terminal_end = pty.openpty()
    with (tmp_path / "stderr.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "keystile", "serve", "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=terminal_end,
            stderr=log,
        )
    os.close(terminal_end)
    screen = b""
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _healthy(port):
            while select.select([terminal], [], [], 0.1)[0]:
                screen += os.read(terminal, 4096)
        assert _healthy(port), (tmp_path / "stderr.log").read_text()
        while select.select([terminal], [], [], 0.2)[0]:
            screen += os.read(terminal, 4096)
    finally:
        process.terminate()
        process.wait(timeout=10)
        os.close(terminal)
    assert SECRET.search(screen.decode()), screen
    assert not SECRET.search((tmp_path / "stderr.log").read_text())
    assert not (database.parent / "first-project.json").exists()


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
