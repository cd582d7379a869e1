"""Load test of `sessions.authenticate` and `b2b.sessions.authenticate` (by token and by JWT) against a
bare endpoint behind the same Basic auth, in the same app (the framework's ceiling): starts its own
keystile, drives it over keep-alive connections (`load.py`), each connection checking a session of its
own (a user's, or a member's of a B2B project; B2B by token also with an `authorization_check`), and
prints req/s, p50, p99 and server CPU per request for every run, then the ratios of the median rates:
to the ceiling, of B2B to consumer, and of the authorization check to the plain check.

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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Run as a script, this folder is on sys.path.
from load import HOST, HttpRequest, Measured, http_request, keystile_server, measure

from keystile.api.auth import ProjectAuth
from keystile.app import create_app
from keystile.b2b.members import add_member
from keystile.b2b.organizations import OrganizationFields, create_organization
from keystile.b2b.sessions import email_factor
from keystile.b2b.sessions import start_or_extend as start_member_session
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.encryption import at_rest_cipher
from keystile.identity.service import NewUser, create_user
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing
from keystile.sessions.service import start_or_extend_session
from keystile.sessions.types import SessionRequest

BASELINE_PATH = "/bench/baseline"
BASELINE = "baseline (Basic auth only)"
CONSUMER = "sessions.authenticate"
B2B = "b2b.sessions.authenticate"
CHECKED = f"{B2B} (token, authorization_check)"


def serve(port: int) -> None:
    """The server side: keystile plus a bare endpoint that only authenticates the project."""
    import uvicorn

    app = create_app(Settings())

    @app.get(BASELINE_PATH)
    async def baseline(project: ProjectAuth) -> dict[str, str]:
        return {"project_id": project.project_id}

    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


@dataclass
class Project:
    """A project's credentials and a session of its own for every connection of the load."""

    project_id: str
    secret: str
    session_tokens: list[str] = field(default_factory=list)
    session_jwts: list[str] = field(default_factory=list)
    organization_id: str = ""  # B2B: the organization of its members

    def add(self, session_token: str, session_jwt: str) -> None:
        self.session_tokens.append(session_token)
        self.session_jwts.append(session_jwt)


@dataclass
class Fixture:
    consumer: Project  # users' sessions
    b2b: Project  # members' sessions, in one organization


async def b2b_project(db: Any, keys: KeyRing, sessions: int, now: datetime) -> Project:
    """A B2B project with `sessions` members of one organization, each with a session."""
    created = await create_project(db, name="bench-b2b", vertical="b2b", redirect_urls=[], now=now)
    project = Project(created.project.project_id, created.secret)
    named = OrganizationFields(organization_name="bench", organization_slug="bench")
    call = Call(db=db, keys=keys, project_id=project.project_id, now=now)
    organization = await create_organization(call, named)
    project.organization_id = organization.organization_id
    for number in range(sessions):
        email = f"bench-{number}@example.com"
        member = await add_member(call, organization, email, status="active", verified=True)
        issued = await start_member_session(
            call,
            member=MemberView(member, organization),
            factors=[email_factor(member, now)],
            request=SessionRequest(duration_minutes=60),
        )
        project.add(issued.session_token, issued.session_jwt)
    return project


def create_fixture(settings: Settings, sessions: int) -> Fixture:
    """A consumer project with `sessions` users and a B2B project with `sessions` members of one
    organization, each with a 60-minute session, written straight to the database: every connection
    of the load checks a session of its own, as a server's clients do."""
    now = SystemClock().now()
    keys = KeyRing(at_rest_cipher(settings))

    async def work(db: Any) -> Fixture:
        created = await create_project(db, name="bench", vertical="consumer", redirect_urls=[], now=now)
        project_id = created.project.project_id
        consumer = Project(project_id, created.secret)
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
            consumer.add(issued.session_token, issued.session_jwt)
        return Fixture(consumer, await b2b_project(db, keys, sessions, now))

    return run_in_transaction(settings, work)


def basic_auth(project: Project) -> dict[str, str]:
    credentials = base64.b64encode(f"{project.project_id}:{project.secret}".encode()).decode()
    return {"Authorization": f"Basic {credentials}", "Content-Type": "application/json"}


def session_requests(path: str, project: Project, key: str, **extra: Any) -> list[HttpRequest]:
    """A POST to `path` per session of `project`, named by `key` (its token or JWT), with `extra`."""
    headers = basic_auth(project)
    values = project.session_tokens if key == "session_token" else project.session_jwts
    return [
        http_request("POST", path, headers, json.dumps({key: value, **extra}).encode()) for value in values
    ]


def authenticate_scenarios(name: str, path: str, project: Project) -> dict[str, list[HttpRequest]]:
    """`name (token)` and `name (JWT)`: a POST to `path` per session of `project`."""
    return {
        f"{name} (token)": session_requests(path, project, "session_token"),
        f"{name} (JWT)": session_requests(path, project, "session_jwt"),
    }


def checked_scenario(project: Project) -> dict[str, list[HttpRequest]]:
    """B2B by token, asking whether the member may rename itself (stytch_member may: a 200)."""
    check = {
        "organization_id": project.organization_id,
        "resource_id": "stytch.self",
        "action": "update.info.name",
    }
    path = "/v1/b2b/sessions/authenticate"
    return {CHECKED: session_requests(path, project, "session_token", authorization_check=check)}


def median(runs: list[Measured]) -> tuple[float, float]:
    """The median rate and the median server CPU seconds per request of `runs`."""
    return statistics.median(r.rate for r in runs), statistics.median(r.cpu_per_request for r in runs)


async def run_scenarios(
    fixture: Fixture, port: int, server_pid: int, seconds: float, concurrency: int, rounds: int
) -> None:
    """Every scenario `rounds` times, in turn (so that a passing disturbance of the machine touches
    one round of each rather than all of one), then the ratios of the median rates: each to the
    ceiling's, and each B2B figure to its consumer one."""
    scenarios: dict[str, HttpRequest | list[HttpRequest]] = {
        BASELINE: http_request("GET", BASELINE_PATH, basic_auth(fixture.consumer)),
        **authenticate_scenarios(CONSUMER, "/v1/sessions/authenticate", fixture.consumer),
        **authenticate_scenarios(B2B, "/v1/b2b/sessions/authenticate", fixture.b2b),
        **checked_scenario(fixture.b2b),
    }
    runs: dict[str, list[Measured]] = {name: [] for name in scenarios}
    for _ in range(rounds):
        for name, requests in scenarios.items():
            runs[name].append(await measure(name, port, server_pid, requests, seconds, concurrency))
    ceiling, ceiling_cpu = median(runs[BASELINE])
    for name, measured in list(runs.items())[1:]:
        rate, cpu = median(measured)
        print(
            f"{name}: median {rate:.0f} req/s, {rate / ceiling * 100:.0f} % of the ceiling's {ceiling:.0f};"
            f" by server CPU per request {ceiling_cpu / cpu * 100:.0f} %"
        )
    for credential in ("token", "JWT"):
        consumer_rate, consumer_cpu = median(runs[f"{CONSUMER} ({credential})"])
        b2b_rate, b2b_cpu = median(runs[f"{B2B} ({credential})"])
        print(
            f"{B2B} ({credential}) against {CONSUMER}: {b2b_rate / consumer_rate * 100:.0f} % of its rate,"
            f" {consumer_cpu / b2b_cpu * 100:.0f} % by server CPU per request (the aim: 90 % or more)"
        )
    plain_rate, plain_cpu = median(runs[f"{B2B} (token)"])
    checked_rate, checked_cpu = median(runs[CHECKED])
    print(
        f"{CHECKED} against without: {checked_rate / plain_rate * 100:.0f} % of its rate,"
        f" {plain_cpu / checked_cpu * 100:.0f} % by server CPU per request (the aim: 95 % or more)"
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
