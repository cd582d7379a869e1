"""Load test of `sessions.authenticate` (by token and by JWT) against a bare endpoint behind the same
Basic auth: starts its own keystile, drives it with async httpx clients, prints req/s, p50 and p99.

    .venv/bin/python bench/sessions.py [--database-url URL] [--seconds 10] [--concurrency 32]

Without `--database-url` it runs on a fresh SQLite file in a temporary folder. Traffic goes to
127.0.0.1 only, and every scenario stops after `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from keystile.api.auth import ProjectAuth
from keystile.app import create_app
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.db.migrate import upgrade
from keystile.encryption import at_rest_cipher
from keystile.identity.service import NewUser, create_user
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing
from keystile.sessions.service import start_or_extend_session

BASELINE_PATH = "/bench/baseline"


def serve(port: int) -> None:
    """The server side: keystile plus a bare endpoint that only authenticates the project."""
    import uvicorn

    app = create_app(Settings())

    @app.get(BASELINE_PATH)
    async def baseline(project: ProjectAuth) -> dict[str, str]:
        return {"project_id": project.project_id}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class Fixture:
    project_id: str
    secret: str
    session_token: str
    session_jwt: str


def create_fixture(settings: Settings) -> Fixture:
    """A project, a user and a 60-minute session, written straight to the database."""
    now = SystemClock().now()
    keys = KeyRing(at_rest_cipher(settings))

    async def work(db: Any) -> Fixture:
        created = await create_project(db, name="bench", vertical="consumer", redirect_urls=[], now=now)
        project_id = created.project.project_id
        view = await create_user(db, project_id, NewUser(email="bench@example.com"), now=now)
        issued = await start_or_extend_session(
            db,
            keys,
            project_id=project_id,
            user_id=view.user.user_id,
            factor={"type": "magic_link", "delivery_method": "email"},
            duration_minutes=60,
            existing_token=None,
            existing_jwt=None,
            custom_claims=None,
            now=now,
        )
        return Fixture(project_id, created.secret, issued.session_token, issued.session_jwt)

    return run_in_transaction(settings, work)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def drive(
    call: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
    *,
    base_url: str,
    auth: tuple[str, str],
    seconds: float,
    concurrency: int,
) -> tuple[Result, float]:
    result = Result()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, auth=auth, limits=limits, timeout=10) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await call(client)
                except httpx.TransportError:  # a dropped connection is an error, not the end of the run
                    result.errors += 1
                    continue
                if response.status_code == 200:
                    result.latencies.append(time.perf_counter() - started)
                else:
                    result.errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return result, time.perf_counter() - started


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) the server process has used; None without /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(name: str, result: Result, elapsed: float, cpu_seconds: float | None) -> None:
    latencies = sorted(result.latencies)
    if not latencies:
        print(f"{name:<34} no successful requests ({result.errors} errors)")
        return
    quantiles = statistics.quantiles(latencies, n=100)
    # Server CPU per request holds steadier than req/s on a machine that other work shares.
    cpu = (
        f"   server CPU {cpu_seconds * 1000 / len(latencies):>5.2f} ms/req" if cpu_seconds is not None else ""
    )
    print(
        f"{name:<34} {len(latencies) / elapsed:>9.0f} req/s   p50 {quantiles[49] * 1000:>7.2f} ms"
        f"   p99 {quantiles[98] * 1000:>7.2f} ms   errors {result.errors}{cpu}"
    )


def wait_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the keystile server exited early")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the keystile server did not become healthy")


async def run_scenarios(
    fixture: Fixture, base_url: str, seconds: float, concurrency: int, server_pid: int
) -> None:
    scenarios: list[tuple[str, Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]]] = [
        ("baseline (Basic auth only)", lambda c: c.get(BASELINE_PATH)),
        (
            "sessions.authenticate (token)",
            lambda c: c.post("/v1/sessions/authenticate", json={"session_token": fixture.session_token}),
        ),
        (
            "sessions.authenticate (JWT)",
            lambda c: c.post("/v1/sessions/authenticate", json={"session_jwt": fixture.session_jwt}),
        ),
    ]
    auth = (fixture.project_id, fixture.secret)
    for name, call in scenarios:
        await drive(call, base_url=base_url, auth=auth, seconds=min(1.0, seconds), concurrency=4)  # warm-up
        cpu_before = server_cpu_seconds(server_pid)
        result, elapsed = await drive(
            call, base_url=base_url, auth=auth, seconds=seconds, concurrency=concurrency
        )
        cpu_after = server_cpu_seconds(server_pid)
        cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        report(name, result, elapsed, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each scenario")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return

    with tempfile.TemporaryDirectory(prefix="keystile-bench-") as scratch:
        database_url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSTILE_")}
        env |= {
            "KEYSTILE_DATABASE_URL": database_url,
            "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "KEYSTILE_LOG_LEVEL": "WARNING",
        }
        settings = Settings(database_url=database_url, encryption_key=env["KEYSTILE_ENCRYPTION_KEY"])
        upgrade(database_url)
        fixture = create_fixture(settings)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=env, cwd=scratch)
        try:
            wait_healthy(base_url, server)
            engine = database_url.split(":", 1)[0]
            print(f"keystile on {engine}, {args.concurrency} in flight, {args.seconds:g} s per scenario")
            asyncio.run(run_scenarios(fixture, base_url, args.seconds, args.concurrency, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
