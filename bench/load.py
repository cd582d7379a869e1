"""What the load tests share: a keystile server on a fresh database, pre-encoded HTTP/1.1 requests
driven over keep-alive raw sockets (an HTTP client library would cost about as much per request as
the server's framework does, and would measure itself), the server's CPU time, and one line of
figures per scenario."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from keystile.config import Settings
from keystile.db.migrate import upgrade

HOST = "127.0.0.1"
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


@dataclass(frozen=True)
class Measured:
    """One scenario's run: its responses, how long it lasted and the server's CPU time meanwhile."""

    result: Result
    elapsed: float
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return len(self.result.latencies) / self.elapsed

    @property
    def cpu_per_request(self) -> float:
        """The server's CPU seconds per request, whether it ended in a 200 or counted as an error."""
        return self.cpu_seconds / max(len(self.result.latencies) + self.result.errors, 1)


def http_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """One HTTP/1.1 request, encoded once and sent as many times as the scenario lasts."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {len(body)}", "", ""]
    return "\r\n".join(lines).encode() + body


async def drive(
    port: int, requests: bytes | Sequence[bytes], *, seconds: float, concurrency: int
) -> tuple[Result, float]:
    """`concurrency` connections sending a request back to back until `seconds` have passed, each its
    own of `requests` (in turn, when there are fewer than connections); a response other than 200, or
    a dropped connection, is an error."""
    result = Result()
    deadline = time.perf_counter() + seconds
    choices = [requests] if isinstance(requests, bytes) else list(requests)

    async def connection(request: bytes) -> None:
        while time.perf_counter() < deadline:
            try:
                reader, writer = await asyncio.open_connection(HOST, port)
            except OSError:
                result.errors += 1
                continue
            try:
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    writer.write(request)
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = CONTENT_LENGTH.search(head)
                    await reader.readexactly(int(length.group(1)) if length else 0)
                    if head.startswith(b"HTTP/1.1 200 "):
                        result.latencies.append(time.perf_counter() - started)
                    else:
                        result.errors += 1
            except (OSError, asyncio.IncompleteReadError):
                result.errors += 1
            finally:
                writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection(choices[i % len(choices)]) for i in range(concurrency)))
    return result, time.perf_counter() - started


def cpu_seconds(root: int) -> float:
    """CPU time used so far by process `root` and its descendants (uvicorn's workers), from Linux's
    `/proc`: what the server spent, whatever else the machine was running meanwhile."""
    ticks: dict[int, tuple[int, int]] = {}  # pid: (parent pid, CPU clock ticks)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        ticks[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    family, total = {root}, 0
    for pid in sorted(ticks):  # a child's pid is usually, not always, above its parent's
        if pid in family or ticks[pid][0] in family:
            family.add(pid)
            total += ticks[pid][1]
    return total / os.sysconf("SC_CLK_TCK")


async def measure(
    name: str,
    port: int,
    server_pid: int,
    requests: bytes | Sequence[bytes],
    seconds: float,
    concurrency: int,
    *,
    warm_up_concurrency: int = 4,
) -> Measured:
    """Warm up, drive one scenario and print its line."""
    await drive(port, requests, seconds=min(1.0, seconds), concurrency=warm_up_concurrency)
    before = cpu_seconds(server_pid)
    result, elapsed = await drive(port, requests, seconds=seconds, concurrency=concurrency)
    measured = Measured(result, elapsed, cpu_seconds(server_pid) - before)
    report(name, measured)
    return measured


def report(name: str, measured: Measured) -> None:
    """Print req/s, p50, p99, errors and the server's CPU per request (steadier than req/s on a
    machine that other work shares)."""
    latencies = sorted(measured.result.latencies)
    if not latencies:
        print(f"{name:<34} no successful requests ({measured.result.errors} errors)")
        return
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(
        f"{name:<34} {measured.rate:>9.0f} req/s   p50 {quantiles[49] * 1000:>7.2f} ms"
        f"   p99 {quantiles[98] * 1000:>7.2f} ms   errors {measured.result.errors}"
        f"   server CPU {measured.cpu_per_request * 1000:>5.2f} ms/req"
    )


def wait_healthy(port: int, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Wait for `/healthz`; uvicorn's workers each import keystile afresh, slow on a busy machine."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the keystile server exited early")
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the keystile server did not become healthy")


@dataclass(frozen=True)
class BenchServer:
    settings: Settings  # to write the scenario's fixture straight to the server's database
    port: int
    pid: int
    engine: str  # sqlite, postgresql or mysql


@contextmanager
def keystile_server(script: str, database_url: str | None, *serve_args: str) -> Iterator[BenchServer]:
    """`script --serve PORT *serve_args` serving a migrated database (a fresh SQLite file in a
    temporary folder unless `database_url`) until the block ends."""
    with tempfile.TemporaryDirectory(prefix="keystile-bench-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        key = Fernet.generate_key().decode()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSTILE_")}
        env |= {"KEYSTILE_DATABASE_URL": url, "KEYSTILE_ENCRYPTION_KEY": key, "KEYSTILE_LOG_LEVEL": "WARNING"}
        upgrade(url)
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        command = [sys.executable, script, "--serve", str(port), *serve_args]
        process = subprocess.Popen(command, env=env, cwd=scratch)
        try:
            wait_healthy(port, process)
            settings = Settings(database_url=url, encryption_key=key)
            yield BenchServer(settings, port, process.pid, url.split(":", 1)[0].split("+")[0])
        finally:
            process.terminate()
            process.wait(timeout=10)
