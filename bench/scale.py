"""keystile at a million users on PostgreSQL: loads 10,000 users into one fresh database and --users
into another, through `keystile users import` (its progress bar on stderr), with a session each, then
measures the hot calls on a server per database in interleaved rounds: sessions.authenticate (token,
JWT), users.get (by id, by external id), users.search (by email; a small result paginated to its end),
magic_links.email.login_or_create and password login. Prints the import rate, every call's p50/p99 at
both sizes (medians of the rounds) and their ratio (the aim: at most 1.2x).

    .venv/bin/python bench/scale.py [--users 1000000] [--samples 1000] [--concurrency 4]

The scratch databases are created on the test suite's PostgreSQL server (scratch_pg.py) and dropped
afterwards; traffic goes to 127.0.0.1 only. Rate limits are off in the measured server: every login
link goes to an address of its own, and the limits are not what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Run as a script, this folder is on sys.path.
from load import HOST, BenchServer, keystile_server
from results import record
from scratch_pg import scratch_database
from sqlalchemy import select, text
from users_file import email_of, external_id_of, password_of, write_users

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.encryption import at_rest_cipher
from keystile.identity.models import UserEmail
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing
from keystile.sessions.service import start_or_extend_session

SCRATCH_DB = "keystile_bench_scale"
BASELINE_USERS = 10_000
REDIRECT_URL = "http://localhost:3000/authenticate"
SAMPLED_USERS = 64  # users with a session of their own, checked in turn
PASSWORD_USERS = 8  # users logging in with their password, in turn
PAGE = 2  # the paginated search: five users, two a page
LOGIN_OR_CREATE = "magic_links.email.login_or_create"
PASSWORD_LOGIN = "passwords.authenticate"

# One session per user who has none yet, with a digest no token hashes to: the bulk of the table.
BULK_SESSIONS = text(
    """
    INSERT INTO sessions (session_id, project_id, user_id, token_digest, started_at, last_accessed_at,
                          expires_at, authentication_factors, custom_claims, attributes)
    SELECT 'session-test-' || gen_random_uuid(), u.project_id, u.user_id,
           encode(sha256(convert_to('bulk ' || u.user_id, 'UTF8')), 'hex'),
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
           (now() AT TIME ZONE 'UTC') + interval '1 day',
           '[{"type": "magic_link", "delivery_method": "email"}]', '{}', '{}'
    FROM users u
    WHERE u.project_id = :project_id
      AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.project_id = u.project_id AND s.user_id = u.user_id)
    """
)


def serve(port: int) -> None:
    """The server side: keystile without rate limits (see the module's docstring)."""
    import uvicorn

    from keystile.app import create_app

    unlimited = Settings(
        rate_limit_sends_per_ip=0,
        rate_limit_sends_per_project=0,
        rate_limit_emails_per_address_per_hour=0,
        rate_limit_attempts_per_ip=0,
    )
    uvicorn.run(create_app(unlimited), host=HOST, port=port, log_level="warning", access_log=False)


@dataclass(frozen=True)
class Project:
    project_id: str
    secret: str


def create_bench_project(settings: Settings) -> Project:
    now = SystemClock().now()

    async def work(db: Any) -> Project:
        created = await create_project(
            db, name="scale", vertical="consumer", redirect_urls=[REDIRECT_URL], now=now
        )
        return Project(created.project.project_id, created.secret)

    return run_in_transaction(settings, work)


def import_users(settings: Settings, project: Project, count: int) -> float:
    """`count` users through `keystile users import`; its users/s."""
    key = settings.encryption_key.get_secret_value() if settings.encryption_key else ""
    environment = {"KEYSTILE_DATABASE_URL": settings.database_url, "KEYSTILE_ENCRYPTION_KEY": key}
    with tempfile.TemporaryDirectory(prefix="keystile-bench-scale-") as scratch:
        source = Path(scratch) / "users.jsonl"
        write_users(source, count)
        command = [str(Path(sys.executable).parent / "keystile"), "users", "import", str(source)]
        started = time.perf_counter()
        subprocess.run(
            [*command, "--project", project.project_id, "--json"],
            env={k: v for k, v in os.environ.items() if not k.startswith("KEYSTILE_")} | environment,
            check=True,
        )
        return count / (time.perf_counter() - started)


def add_sessions(settings: Settings, project: Project) -> None:
    """A session for every user without one, then fresh planner statistics."""

    async def work(db: Any) -> None:
        await db.execute(BULK_SESSIONS, {"project_id": project.project_id})

    run_in_transaction(settings, work)

    async def analyze(db: Any) -> None:
        await db.execute(text("ANALYZE"))

    run_in_transaction(settings, analyze)


@dataclass(frozen=True)
class Sampled:
    """Users spread over the table: their numbers, ids and sessions."""

    numbers: list[int]
    user_ids: list[str]
    session_tokens: list[str]
    session_jwts: list[str]


def sample_users(settings: Settings, project: Project, numbers: list[int]) -> Sampled:
    """The users `numbers`, each with a fresh session of its own."""
    now = SystemClock().now()
    keys = KeyRing(at_rest_cipher(settings))

    async def work(db: Any) -> Sampled:
        owners = dict(
            (
                await db.execute(
                    select(UserEmail.email, UserEmail.user_id).where(
                        UserEmail.project_id == project.project_id,
                        UserEmail.email.in_([email_of(n) for n in numbers]),
                    )
                )
            ).all()
        )
        sampled = Sampled(numbers, [owners[email_of(n)] for n in numbers], [], [])
        for user_id in sampled.user_ids:
            issued = await start_or_extend_session(
                db,
                keys,
                project_id=project.project_id,
                user_id=user_id,
                factor={"type": "magic_link", "delivery_method": "email"},
                duration_minutes=60,
                existing_token=None,
                existing_jwt=None,
                custom_claims=None,
                now=now,
            )
            sampled.session_tokens.append(issued.session_token)
            sampled.session_jwts.append(issued.session_jwt)
        return sampled

    return run_in_transaction(settings, work)


Call = Callable[[httpx.AsyncClient], Awaitable[None]]


def post(path: str, body: dict[str, Any]) -> Call:
    async def call(client: httpx.AsyncClient) -> None:
        (await client.post(path, json=body)).raise_for_status()

    return call


def get(path: str) -> Call:
    async def call(client: httpx.AsyncClient) -> None:
        (await client.get(path)).raise_for_status()

    return call


def by_email(emails: list[str], **extra: Any) -> dict[str, Any]:
    operand = {"filter_name": "email_address", "filter_value": emails}
    return {"query": {"operator": "AND", "operands": [operand]}, **extra}


def search_to_the_end(emails: list[str]) -> Call:
    """users.search for these users, PAGE a page, following next_cursor to the last page."""

    async def call(client: httpx.AsyncClient) -> None:
        cursor: str | None = None
        while True:
            answer = await client.post("/v1/users/search", json=by_email(emails, limit=PAGE, cursor=cursor))
            answer.raise_for_status()
            cursor = answer.json()["results_metadata"]["next_cursor"]
            if not cursor:
                return

    return call


def scenarios(sampled: Sampled, fresh_numbers: list[int]) -> dict[str, list[Call]]:
    """Every measured call, as the calls a scenario makes in turn (a login link: one per address)."""
    numbers, logins = sampled.numbers, sampled.numbers[:PASSWORD_USERS]
    return {
        "sessions.authenticate (token)": [
            post("/v1/sessions/authenticate", {"session_token": token}) for token in sampled.session_tokens
        ],
        "sessions.authenticate (JWT)": [
            post("/v1/sessions/authenticate", {"session_jwt": jwt}) for jwt in sampled.session_jwts
        ],
        "users.get (user_id)": [get(f"/v1/users/{user_id}") for user_id in sampled.user_ids],
        "users.get (external_id)": [get(f"/v1/users/{external_id_of(n)}") for n in numbers],
        "users.search (email)": [post("/v1/users/search", by_email([email_of(n)])) for n in numbers],
        "users.search (5 users, to the end)": [
            search_to_the_end([email_of(n) for n in numbers[i : i + 5]]) for i in range(0, len(numbers), 5)
        ],
        LOGIN_OR_CREATE: [
            post("/v1/magic_links/email/login_or_create", {"email": email_of(n)}) for n in fresh_numbers
        ],
        PASSWORD_LOGIN: [
            post(
                "/v1/passwords/authenticate",
                {"email": email_of(n), "password": password_of(n), "session_duration_minutes": 60},
            )
            for n in logins
        ],
    }


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float


async def measure(port: int, project: Project, calls: list[Call], count: int, concurrency: int) -> Latency:
    """`count` calls, `concurrency` at a time, taken from `calls` in turn; their p50 and p99."""
    latencies: list[float] = []
    queue = iter(range(count))
    auth = httpx.BasicAuth(project.project_id, project.secret)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", auth=auth, timeout=60) as client:

        async def worker() -> None:
            for number in queue:
                started = time.perf_counter()
                await calls[number % len(calls)](client)
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    quantiles = statistics.quantiles(latencies, n=100)
    return Latency(quantiles[49] * 1000, quantiles[98] * 1000)


@dataclass
class Loaded:
    """A database of `size` users and sessions behind a server of its own."""

    size: int
    port: int
    project: Project
    named: dict[str, list[Call]]
    rounds: dict[str, list[Latency]] = field(default_factory=dict)


def load(server: BenchServer, size: int, chooser: random.Random, rounds: int, samples: int) -> Loaded:
    """`size` users through `keystile users import` and a session each; the scenarios that run on them
    (login links to addresses of their own: `samples` per round)."""
    project = create_bench_project(server.settings)
    rate = import_users(server.settings, project, size)
    print(f"imported {size:,} users: {rate:,.0f} users/s (keystile users import, process start included)")
    record(f"users import, CLI, PostgreSQL ({size} users)", rate=rate)
    add_sessions(server.settings, project)
    numbers = chooser.sample(range(size), SAMPLED_USERS + rounds * samples)
    sampled = sample_users(server.settings, project, numbers[:SAMPLED_USERS])
    return Loaded(size, server.port, project, scenarios(sampled, numbers[SAMPLED_USERS:]))


async def measure_round(loaded: Loaded, round_number: int, samples: int, concurrency: int) -> None:
    """Every scenario once on `loaded`, after a warm-up (the first password login also replaces the
    imported bcrypt hash with argon2id); password logins, paced by the hash, get a tenth of the
    samples, and each round's login links go to addresses never sent to."""
    for name, calls in loaded.named.items():
        count = max(samples // 10, 20) if name == PASSWORD_LOGIN else samples
        if name == LOGIN_OR_CREATE:
            calls = calls[round_number * samples : (round_number + 1) * samples]
        else:
            await measure(loaded.port, loaded.project, calls, len(calls), concurrency)
        figures = await measure(loaded.port, loaded.project, calls, count, concurrency)
        loaded.rounds.setdefault(name, []).append(figures)
        print(f"  {loaded.size:>9,}  {name:<36} p50 {figures.p50_ms:8.2f} ms   p99 {figures.p99_ms:8.2f} ms")


def medians(loaded: Loaded) -> dict[str, Latency]:
    return {
        name: Latency(statistics.median(f.p50_ms for f in runs), statistics.median(f.p99_ms for f in runs))
        for name, runs in loaded.rounds.items()
    }


def print_ratios(small: Loaded, large: Loaded) -> None:
    """The median p50 and p99 of every call at both sizes, and large over small."""
    before_all, after_all = medians(small), medians(large)
    sizes = f"{small.size:,} users → {large.size:,} users"
    print(f"\nmedians of the rounds, {sizes}: p50 ms (ratio), p99 ms (ratio)")
    for name, before in before_all.items():
        after = after_all[name]
        record(f"{name} ({small.size} users)", p50_ms=before.p50_ms, p99_ms=before.p99_ms)
        record(f"{name} ({large.size} users)", p50_ms=after.p50_ms, p99_ms=after.p99_ms)
        print(
            f"{name:<36} {before.p50_ms:8.2f} → {after.p50_ms:8.2f} ({after.p50_ms / before.p50_ms:4.2f}x)"
            f"   {before.p99_ms:8.2f} → {after.p99_ms:8.2f} ({after.p99_ms / before.p99_ms:4.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=1000, help="calls measured per scenario and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds at both sizes")
    parser.add_argument("--concurrency", type=int, default=4, help="calls in flight")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return

    chooser = random.Random(25)
    with ExitStack() as stack:
        loaded = []
        for size in (min(BASELINE_USERS, max(args.users // 10, 1)), args.users):
            url = stack.enter_context(scratch_database(f"{SCRATCH_DB}_{size}"))
            server = stack.enter_context(keystile_server(__file__, url))
            loaded.append(load(server, size, chooser, args.rounds, args.samples))
        for round_number in range(args.rounds):
            print(f"round {round_number + 1} of {args.rounds}, {args.concurrency} in flight:")
            for each in loaded:
                asyncio.run(measure_round(each, round_number, args.samples, args.concurrency))
    print_ratios(*loaded)


if __name__ == "__main__":
    main()
