"""Load test of `sessions.authenticate` (by token and by JWT) against a bare endpoint behind the same
Basic auth, in the same app (the framework's ceiling): starts its own keystile, drives it over
keep-alive connections (`load.py`), each connection checking a session of its own, and prints req/s,
p50, p99 and server CPU per request for every run, then the ratios of the median rates.

    .venv/bin/python bench/sessions.py [--database-url URL] [--seconds 10] [--concurrency 32] [--rounds 3]

Without `--database-url` it runs on a fresh SQLite file in a temporary folder. Traffic goes to
127.0.0.1 only, and every scenario stops after `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
from dataclasses import dataclass
from typing import Any

# Run as a script, this folder is on sys.path.
from load import HOST, Measured, http_request, keystile_server, measure

from keystile.api.auth import ProjectAuth
from keystile.app import create_app
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.encryption import at_rest_cipher
from keystile.identity.service import NewUser, create_user
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing
from keystile.sessions.service import start_or_extend_session

BASELINE_PATH = "/bench/baseline"
BASELINE = "baseline (Basic auth only)"


def serve(port: int) -> None:
    """The server side: keystile plus a bare endpoint that only authenticates the project."""
    import uvicorn

    app = create_app(Settings())

    @app.get(BASELINE_PATH)
    async def baseline(project: ProjectAuth) -> dict[str, str]:
        return {"project_id": project.project_id}

    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


@dataclass
class Fixture:
    project_id: str
    secret: str
    session_tokens: list[str]
    session_jwts: list[str]


def create_fixture(settings: Settings, sessions: int) -> Fixture:
    """A project and `sessions` users with a 60-minute session each, written straight to the
    database: every connection of the load checks a session of its own, as a server's clients do."""
    now = SystemClock().now()
    keys = KeyRing(at_rest_cipher(settings))

    async def work(db: Any) -> Fixture:
        created = await create_project(db, name="bench", vertical="consumer", redirect_urls=[], now=now)
        project_id = created.project.project_id
        fixture = Fixture(project_id, created.secret, [], [])
        for number in range(sessions):
            view = await create_user(db, project_id, NewUser(email=f"bench-{number}@example.com"), now=now)
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
            fixture.session_tokens.append(issued.session_token)
            fixture.session_jwts.append(issued.session_jwt)
        return fixture

    return run_in_transaction(settings, work)


async def run_scenarios(
    fixture: Fixture, port: int, server_pid: int, seconds: float, concurrency: int, rounds: int
) -> None:
    """Every scenario `rounds` times, in turn (so that a passing disturbance of the machine touches
    one round of each rather than all of one), then the ratios of the median rates."""
    auth = base64.b64encode(f"{fixture.project_id}:{fixture.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}

    def authenticate(body: dict[str, str]) -> bytes:
        return http_request("POST", "/v1/sessions/authenticate", headers, json.dumps(body).encode())

    scenarios: dict[str, bytes | list[bytes]] = {
        BASELINE: http_request("GET", BASELINE_PATH, headers),
        "sessions.authenticate (token)": [authenticate({"session_token": t}) for t in fixture.session_tokens],
        "sessions.authenticate (JWT)": [authenticate({"session_jwt": j}) for j in fixture.session_jwts],
    }
    runs: dict[str, list[Measured]] = {name: [] for name in scenarios}
    for _ in range(rounds):
        for name, requests in scenarios.items():
            runs[name].append(await measure(name, port, server_pid, requests, seconds, concurrency))
    ceiling = statistics.median(run.rate for run in runs[BASELINE])
    ceiling_cpu = statistics.median(run.cpu_per_request for run in runs[BASELINE])
    for name, measured in list(runs.items())[1:]:
        rate = statistics.median(run.rate for run in measured)
        cpu = statistics.median(run.cpu_per_request for run in measured)
        print(
            f"{name}: median {rate:.0f} req/s, {rate / ceiling * 100:.0f} % of the ceiling's {ceiling:.0f};"
            f" by server CPU per request {ceiling_cpu / cpu * 100:.0f} %"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each scenario")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--rounds", type=int, default=3, help="runs of every scenario, in turn")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return

    with keystile_server(__file__, args.database_url) as server:
        fixture = create_fixture(server.settings, sessions=args.concurrency)
        print(f"keystile on {server.engine}, {args.concurrency} in flight, {args.seconds:g} s per scenario")
        asyncio.run(
            run_scenarios(fixture, server.port, server.pid, args.seconds, args.concurrency, args.rounds)
        )


if __name__ == "__main__":
    main()
