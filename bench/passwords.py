"""`passwords.authenticate` (consumer and B2B) throughput against the bare argon2id verification it is
built on: starts its own keystile, measures the argon2id verify rate of the same parameters on the
same cores, then drives the endpoints over keep-alive connections (`load.py`) and prints req/s, p50,
p99 and the server's overhead, both by rate and by CPU time (the server process's CPU per request
over the CPU of one bare verify, which other work on a shared machine does not distort).

    .venv/bin/python bench/passwords.py [--database-url URL] [--seconds 10] [--concurrency 8]

Without `--database-url` it runs on a fresh SQLite file in a temporary folder. Traffic goes to
127.0.0.1 only, and every scenario stops after `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

# Run as a script, this folder is on sys.path.
from load import cpu_seconds, http_request, keystile_server, measure
from results import record
from sessions import serve

from keystile.b2b.members import NewMember
from keystile.b2b.organizations import OrganizationFields, create_organization
from keystile.b2b.passwords import service as member_passwords
from keystile.calls import Call
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.credentials.hashes import Argon2Parameters, hasher
from keystile.encryption import at_rest_cipher
from keystile.factors.passwords import service
from keystile.identity.service import NewUser
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest

EMAIL = "bench@example.com"
PASSWORD = "violet tangerine oboe 71"
BARE_VERIFY = "argon2id verify, bare"


@dataclass
class Rate:
    per_second: float
    cpu_seconds: float  # per verification or request


@dataclass
class Fixture:
    project_id: str
    secret: str
    password_hash: str
    # A B2B project whose organization has a member with the same password.
    b2b_project_id: str
    b2b_secret: str
    organization_id: str


def create_fixture(settings: Settings) -> Fixture:
    """A project and a user with a password, and a B2B project with an organization and a member with
    the same password, written straight to the database."""
    now = SystemClock().now()
    parameters = Argon2Parameters.from_settings(settings)
    password_hash = hasher(parameters).hash(PASSWORD)

    async def work(db: Any) -> Fixture:
        keys = KeyRing(at_rest_cipher(settings))
        created = await create_project(db, name="bench", vertical="consumer", redirect_urls=[], now=now)
        await service.create(
            Call(db=db, keys=keys, project_id=created.project.project_id, now=now),
            email=EMAIL,
            password=PASSWORD,
            profile=NewUser(),
            session_request=SessionRequest(),
            parameters=parameters,
        )
        b2b = await create_project(db, name="bench b2b", vertical="b2b", redirect_urls=[], now=now)
        b2b_call = Call(db=db, keys=keys, project_id=b2b.project.project_id, now=now)
        organization = await create_organization(
            b2b_call, OrganizationFields(organization_name="Bench", organization_slug="bench")
        )
        await member_passwords.migrate(
            b2b_call,
            organization_ref=organization.organization_id,
            email=EMAIL,
            hash_type="argon_2id",
            hash_text=password_hash,
            hash_config=None,
            new=NewMember(),
        )
        return Fixture(
            created.project.project_id,
            created.secret,
            password_hash,
            b2b.project.project_id,
            b2b.secret,
            organization.organization_id,
        )

    return run_in_transaction(settings, work)


def bare_verify_rate(password_hash: str, parameters: Argon2Parameters, seconds: float) -> Rate:
    """argon2id verifications per second on every core (argon2 releases the GIL), as the server runs them."""
    verifier = hasher(parameters)
    deadline = time.perf_counter() + seconds
    threads = os.cpu_count() or 1

    def worker() -> list[float]:
        latencies = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            verifier.verify(password_hash, PASSWORD)
            latencies.append(time.perf_counter() - started)
        return latencies

    started, cpu = time.perf_counter(), cpu_seconds(os.getpid())
    with ThreadPoolExecutor(threads) as pool:
        latencies = sorted(t for batch in pool.map(lambda _: worker(), range(threads)) for t in batch)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(os.getpid()) - cpu
    quantiles = statistics.quantiles(latencies, n=100)
    rate = Rate(len(latencies) / elapsed, cpu / len(latencies))
    record(
        BARE_VERIFY,
        rate=rate.per_second,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
        cpu_ms=rate.cpu_seconds * 1000,
    )
    print(
        f"{'argon2id verify, bare (' + str(threads) + ' threads)':<34} {rate.per_second:>9.1f} /s      "
        f"p50 {quantiles[49] * 1000:>7.2f} ms   p99 {quantiles[98] * 1000:>7.2f} ms   "
        f"CPU {rate.cpu_seconds * 1000:6.2f} ms per verify"
    )
    return rate


def _headers(project_id: str, secret: str) -> dict[str, str]:
    auth = base64.b64encode(f"{project_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}


async def run_scenarios(
    fixture: Fixture, server_pid: int, port: int, seconds: float, concurrency: int
) -> dict[str, Rate]:
    consumer, b2b = (
        _headers(fixture.project_id, fixture.secret),
        _headers(fixture.b2b_project_id, fixture.b2b_secret),
    )
    body = {"email": EMAIL, "password": PASSWORD}
    member = {"organization_id": fixture.organization_id, "email_address": EMAIL, "password": PASSWORD}
    scenarios = {
        "passwords.authenticate": ("/v1/passwords/authenticate", consumer, body),
        "passwords.authenticate + session": (
            "/v1/passwords/authenticate",
            consumer,
            {**body, "session_duration_minutes": 60},
        ),
        "b2b passwords.authenticate": ("/v1/b2b/passwords/authenticate", b2b, member),
    }
    rates = {}
    for name, (path, headers, payload) in scenarios.items():
        request = http_request("POST", path, headers, json.dumps(payload).encode())
        measured = await measure(name, port, server_pid, request, seconds, concurrency, warm_up_concurrency=2)
        rates[name] = Rate(measured.rate, measured.cpu_per_request)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each scenario")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return

    with keystile_server(__file__, args.database_url) as server:
        fixture = create_fixture(server.settings)
        parameters = Argon2Parameters.from_settings(server.settings)
        print(
            f"keystile on {server.engine}, argon2id m={parameters.memory_kib} KiB t={parameters.time_cost} "
            f"p={parameters.parallelism}, {args.concurrency} in flight, {args.seconds:g} s per scenario"
        )
        bare = bare_verify_rate(fixture.password_hash, parameters, args.seconds)
        rates = asyncio.run(run_scenarios(fixture, server.pid, server.port, args.seconds, args.concurrency))
        for name, rate in rates.items():
            by_rate = (1 - rate.per_second / bare.per_second) * 100
            by_cpu = (rate.cpu_seconds / bare.cpu_seconds - 1) * 100
            print(f"overhead over the bare hash, {name}: {by_rate:5.1f} % by rate, {by_cpu:5.1f} % by CPU")


if __name__ == "__main__":
    main()
