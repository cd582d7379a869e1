"""Soak test: mixed traffic (magic-link sends, password authenticates, session checks) against one or
two keystile servers on one database for a bounded time; prints throughput, responses by status,
p50/p99 per kind, and each server's RSS at start and end.

    .venv/bin/python bench/soak.py [--database-url URL] [--servers 2] [--seconds 600] [--concurrency 16]

Without `--database-url` it runs on a fresh SQLite file in a temporary folder. Mail goes to the dev
inbox (no SMTP). Traffic goes to 127.0.0.1 only. 429s are the rate limits doing their job; any 5xx
other than a deliberate 503 is a failure, and so is RSS growth of 10 % or more.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import psutil
from cryptography.fernet import Fernet

# Run as a script, this folder is on sys.path.
from results import record

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.db.migrate import upgrade
from keystile.projects.service import create_project

PASSWORD = "soak tangerine oboe 71"
# Share of each kind of request in the mix (the rest are session checks).
SEND_SHARE, PASSWORD_SHARE = 0.1, 0.2


def free_port() -> int:
    return random.randint(20000, 32000)


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "keystile", "serve", "--port", str(port)],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"keystile did not start: see {log}")


def rss_kib(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss // 1024)


class Traffic:
    """The mixed load, its timings per kind and its statuses."""

    def __init__(self, base_urls: list[str], auth: tuple[str, str], email: str, session_token: str) -> None:
        self.urls = itertools.cycle(base_urls)
        self.auth = auth
        self.email = email
        self.session_token = session_token
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()

    def request(self) -> tuple[str, str, dict[str, object]]:
        roll = random.random()
        if roll < SEND_SHARE:
            address = f"soak-{uuid.uuid4().hex[:12]}@example.com"
            return "send", "/v1/magic_links/email/login_or_create", {"email": address}
        if roll < SEND_SHARE + PASSWORD_SHARE:
            return "password", "/v1/passwords/authenticate", {"email": self.email, "password": PASSWORD}
        return "session", "/v1/sessions/authenticate", {"session_token": self.session_token}

    async def worker(self, client: httpx.AsyncClient, until: float) -> None:
        while time.monotonic() < until:
            kind, path, body = self.request()
            started = time.perf_counter()
            try:
                response = await client.post(f"{next(self.urls)}{path}", json=body, auth=self.auth)
                status = response.status_code
            except httpx.HTTPError:
                status = 0  # no response at all
            self.latencies[kind].append(time.perf_counter() - started)
            self.statuses[(kind, status)] += 1


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


async def soak(base_urls: list[str], auth: tuple[str, str], seconds: float, concurrency: int) -> Traffic:
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        email = f"soak-{uuid.uuid4().hex[:12]}@example.com"
        created = await client.post(
            f"{base_urls[0]}/v1/passwords",
            json={"email": email, "password": PASSWORD, "session_duration_minutes": 60 * 24},
            auth=auth,
        )
        created.raise_for_status()
        traffic = Traffic(base_urls, auth, email, created.json()["session_token"])
        until = time.monotonic() + seconds
        await asyncio.gather(*(traffic.worker(client, until) for _ in range(concurrency)))
    return traffic


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--servers", type=int, default=2, choices=(1, 2))
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/soak.db"
        settings = Settings(database_url=url)
        upgrade(settings.database_url)
        created = run_in_transaction(
            settings,
            lambda s: create_project(
                s,
                name="soak",
                vertical="consumer",
                redirect_urls=["http://localhost:3000/a"],
                now=SystemClock().now(),
            ),
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSTILE_")}
        env |= {"KEYSTILE_DATABASE_URL": url, "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode()}
        ports = [free_port() for _ in range(args.servers)]
        servers = [start_server(env, port, Path(tmp) / f"server-{port}.log") for port in ports]
        try:
            base_urls = [f"http://127.0.0.1:{port}" for port in ports]
            auth = (created.project.project_id, created.secret)
            asyncio.run(soak(base_urls, auth, 5, args.concurrency))  # warm up before the first RSS
            rss_start = [rss_kib(s.pid) for s in servers]
            started = time.monotonic()
            traffic = asyncio.run(soak(base_urls, auth, args.seconds, args.concurrency))
            elapsed = time.monotonic() - started
            rss_end = [rss_kib(s.pid) for s in servers]
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)

    total = sum(traffic.statuses.values())
    print(
        f"{args.servers} server(s), {args.concurrency} clients, {elapsed:.0f} s: {total / elapsed:.1f} req/s"
    )
    for kind, values in sorted(traffic.latencies.items()):
        print(
            f"  {kind:9} {len(values):8d} requests  p50 {p(values, 50):7.1f} ms  p99 {p(values, 99):7.1f} ms"
        )
    all_latencies = [v for values in traffic.latencies.values() for v in values]
    print(f"  overall p99 {p(all_latencies, 99):.1f} ms")
    by_status = Counter[int]()
    for (_, status), count in traffic.statuses.items():
        by_status[status] += count
    print("  by status:", ", ".join(f"{status}: {count}" for status, count in sorted(by_status.items())))
    print("  by kind and status:", dict(sorted(traffic.statuses.items())))
    record(f"soak, {args.servers} server(s)", rate=total / elapsed, p99_ms=p(all_latencies, 99))
    for index, (start, end) in enumerate(zip(rss_start, rss_end, strict=True)):
        record(f"soak, RSS of server {index + 1}", rss_start_mib=start / 1024, rss_end_mib=end / 1024)
    for port, start, end in zip(ports, rss_start, rss_end, strict=True):
        print(
            f"  server :{port} RSS {start / 1024:.1f} MiB -> {end / 1024:.1f} MiB "
            f"({(end - start) / start:+.1%})"
        )
    unexpected = sum(
        count for status, count in by_status.items() if (status >= 500 and status != 503) or status == 0
    )
    grew = any(end >= start * 1.1 for start, end in zip(rss_start, rss_end, strict=True))
    sys.exit(1 if unexpected or grew else 0)


if __name__ == "__main__":
    main()
