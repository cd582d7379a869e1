"""What the load tests share: pre-encoded HTTP/1.1 requests driven over keep-alive raw sockets (an
HTTP client library would cost about as much per request as the server's framework does, and would
measure itself), the server's CPU time, and one line of figures per scenario."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def http_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """One HTTP/1.1 request, encoded once and sent as many times as the scenario lasts."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {len(body)}", "", ""]
    return "\r\n".join(lines).encode() + body


async def drive(port: int, request: bytes, *, seconds: float, concurrency: int) -> tuple[Result, float]:
    """`concurrency` connections sending `request` back to back until `seconds` have passed; a
    response other than 200, or a dropped connection, is an error."""
    result = Result()
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
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
    await asyncio.gather(*(connection() for _ in range(concurrency)))
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
    name: str, port: int, server_pid: int, request: bytes, seconds: float, concurrency: int
) -> float:
    """Warm up, drive one scenario, print its line; returns its requests/s."""
    await drive(port, request, seconds=min(1.0, seconds), concurrency=4)
    before = cpu_seconds(server_pid)
    result, elapsed = await drive(port, request, seconds=seconds, concurrency=concurrency)
    return report(name, result, elapsed, cpu_seconds(server_pid) - before)


def report(name: str, result: Result, elapsed: float, cpu_seconds: float) -> float:
    """Print req/s, p50, p99, errors and the server's CPU per request (steadier than req/s on a
    machine that other work shares); returns req/s."""
    latencies = sorted(result.latencies)
    if not latencies:
        print(f"{name:<34} no successful requests ({result.errors} errors)")
        return 0.0
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    rate = len(latencies) / elapsed
    print(
        f"{name:<34} {rate:>9.0f} req/s   p50 {quantiles[49] * 1000:>7.2f} ms"
        f"   p99 {quantiles[98] * 1000:>7.2f} ms   errors {result.errors}"
        f"   server CPU {cpu_seconds * 1000 / len(latencies):>5.2f} ms/req"
    )
    return rate


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
