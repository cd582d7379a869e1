"""What the load tests share: a keystile server on a fresh database, HTTP/1.1 requests driven over
keep-alive raw sockets, the server's CPU time, and one line of figures per scenario.

The driver is an asyncio loop of raw sockets with `h11` for the HTTP/1.1 framing (Content-Length and
chunked responses alike), not an HTTP client library: a client library would cost about as much per
request as the server's framework does, and would measure itself. h11 costs the driver about 0.1 ms
of CPU a request (sending and parsing), where the regex it replaced cost microseconds: the driver's
share of the machine, not the server's CPU per request, which is the steadier figure."""

from __future__ import annotations

import asyncio
import os
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

import h11
import httpx
import psutil
from cryptography.fernet import Fernet

# Run as a script's helper, this folder is on sys.path.
from results import record

from keystile.config import Settings
from keystile.db.migrate import upgrade

HOST = "127.0.0.1"
READ_SIZE = 65536


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


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP/1.1 request, built once and sent as many times as the scenario lasts."""

    head: h11.Request
    body: bytes

    def events(self) -> tuple[h11.Event, ...]:
        data = (h11.Data(data=self.body),) if self.body else ()
        return (self.head, *data, h11.EndOfMessage())


def http_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> HttpRequest:
    """A request to this machine's server, with `body` framed by its Content-Length."""
    head_fields = [("Host", HOST), *headers.items(), ("Content-Length", str(len(body)))]
    return HttpRequest(h11.Request(method=method, target=path, headers=head_fields), body)


async def exchange(
    connection: h11.Connection,
    request: HttpRequest,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> int:
    """Send `request` and read its whole response; its status code."""
    writer.write(b"".join(connection.send(event) or b"" for event in request.events()))
    status = 0
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await reader.read(READ_SIZE))  # b"": the server closed
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.EndOfMessage):
            return status
        elif isinstance(event, h11.ConnectionClosed):
            raise ConnectionError("the server closed the connection")


async def drive(
    port: int, requests: HttpRequest | Sequence[HttpRequest], *, seconds: float, concurrency: int
) -> tuple[Result, float]:
    """`concurrency` connections sending a request back to back until `seconds` have passed, each its
    own of `requests` (in turn, when there are fewer than connections); a response other than 200, or
    a dropped connection, is an error. A connection the server closes is opened again."""
    result = Result()
    deadline = time.perf_counter() + seconds
    choices = [requests] if isinstance(requests, HttpRequest) else list(requests)

    async def connection(request: HttpRequest) -> None:
        while time.perf_counter() < deadline:
            try:
                reader, writer = await asyncio.open_connection(HOST, port)
            except OSError:
                result.errors += 1
                continue
            http = h11.Connection(h11.CLIENT)
            try:
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    if await exchange(http, request, reader, writer) == 200:
                        result.latencies.append(time.perf_counter() - started)
                    else:
                        result.errors += 1
                    if http.our_state is not h11.DONE or http.their_state is not h11.DONE:
                        break  # the server will close this connection (`Connection: close`)
                    http.start_next_cycle()
            except (OSError, h11.ProtocolError):
                result.errors += 1
            finally:
                writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection(choices[i % len(choices)]) for i in range(concurrency)))
    return result, time.perf_counter() - started


def cpu_seconds(root: int) -> float:
    """CPU time used so far by process `root` and its descendants (uvicorn's workers): what the server
    spent, whatever else the machine was running meanwhile."""
    total = 0.0
    try:
        parent = psutil.Process(root)
        family = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return total
    for process in family:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue  # the process ended meanwhile
        total += times.user + times.system
    return total


async def measure(
    name: str,
    port: int,
    server_pid: int,
    requests: HttpRequest | Sequence[HttpRequest],
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
    record(
        name,
        rate=measured.rate,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
        errors=measured.result.errors,
        cpu_ms=measured.cpu_per_request * 1000,
    )
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
