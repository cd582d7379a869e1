"""A real keystile server process for tests, and helpers to create projects on its database."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.projects import service


def free_port() -> int:
    """A free port below the kernel's ephemeral range (32768+).

    A port from the ephemeral range can be handed to an outgoing connection before the test binds
    it, and a client connecting to such a port on loopback while nothing listens can connect to
    itself (TCP simultaneous open) and hang: that made SMTP-outage tests flaky.
    """
    while True:
        port = random.randint(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


@dataclass
class Project:
    project_id: str
    secret: str
    public_token: str
    vertical: str
    environment: str


@dataclass
class KeystileServer:
    """`keystile serve` in a subprocess, on its own port, against `database_url`."""

    database_url: str
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    # A certificate and its key: served over HTTPS (`serve --tls-cert --tls-key`), as the browser SDK needs.
    tls: tuple[Path, Path] | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSTILE_")}
        env.update({"KEYSTILE_DATABASE_URL": self.database_url, **self.extra_env})
        return env

    def start(self) -> KeystileServer:
        log = self.log_path.open("ab")
        tls_args = ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])] if self.tls else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "keystile", "serve", "--port", str(self.port), *tls_args],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # Generous: on a loaded 2-core machine importing keystile alone can take half a minute.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"keystile exited early:\n{self.log_path.read_text()}")
            try:
                # A test's throwaway certificate is trusted by no one: it is not what is checked here.
                if httpx.get(f"{self.base_url}healthz", timeout=1, verify=not self.tls).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()  # not left running (and loading the machine) once the test has given up on it
        raise RuntimeError(f"keystile did not become healthy:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def create_project(
        self,
        *,
        vertical: str = "consumer",
        environment: str = "test",
        redirect_urls: list[str] | None = None,
    ) -> Project:
        """A fresh project, created directly in the server's database (fast, in-process); a test project
        unless asked otherwise, as a developer's are (its mail shows in the dev inbox)."""
        settings = Settings(database_url=self.database_url)
        created = run_in_transaction(
            settings,
            lambda s: service.create_project(
                s,
                name="test",
                vertical=vertical,
                environment=environment,
                redirect_urls=redirect_urls or ["http://localhost:3000/authenticate"],
                now=SystemClock().now(),
            ),
        )
        project = created.project
        return Project(project.project_id, created.secret, project.public_token, vertical, environment)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the `keystile` CLI against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "keystile", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def cli_json(self, *args: str) -> object:
        done = self.cli(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


def self_addressed(database_url: str, log_path: Path) -> KeystileServer:
    """A keystile (not started yet) whose public URL is its own address, so that an IdP or provider on
    loopback sends the browser back to it, with an at-rest key of its own."""
    server = KeystileServer(database_url, log_path)
    server.extra_env.update(
        {
            "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "KEYSTILE_PUBLIC_URL": server.base_url.rstrip("/"),
        }
    )
    return server
