"""Load test of the client-credentials token endpoint beside a bare FastAPI route in the same app:
starts its own keystile, drives it over keep-alive HTTP/1.1 connections, prints tokens/s, p50, p99.

    .venv/bin/python bench/m2m.py [--database-url URL] [--seconds 10] [--concurrency 32] [--workers 2]

Without `--database-url` it runs on a fresh SQLite file in a temporary folder. Traffic goes to
127.0.0.1 only, and every scenario stops after `--seconds`. The token requests are those of the
official SDKs: JSON with the project's Basic credentials (Python) and a form (Node). The load comes
from pre-encoded requests on raw sockets, so that the client spends little of the machine's CPU:
an HTTP client library would cost about as much per request as the server's framework does.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI

# Run as a script, this folder is on sys.path.
from load import HOST, http_request, keystile_server, measure

from keystile.app import create_app
from keystile.calls import Call
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.encryption import at_rest_cipher
from keystile.m2m.clients import NewClient, create_client
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing

CEILING_PATH = "/bench/ceiling"


def bench_app() -> FastAPI:
    """keystile plus a bare route that does nothing (the framework's ceiling on this machine)."""
    app = create_app(Settings())

    @app.post(CEILING_PATH)
    async def ceiling() -> dict[str, str]:
        return {"status": "ok"}

    return app


def serve(port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "m2m:bench_app",
        factory=True,
        host=HOST,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        # A worker answers uvicorn's health check once it has imported keystile, which takes longer
        # than the default 5 s on a busy machine.
        timeout_worker_healthcheck=60,
    )


def create_fixture(settings: Settings) -> dict[str, str]:
    """A project and an M2M client with two scopes, written straight to the database."""
    now = SystemClock().now()

    async def work(db: Any) -> dict[str, str]:
        created = await create_project(db, name="bench", vertical="consumer", redirect_urls=[], now=now)
        project_id = created.project.project_id
        call = Call(db=db, keys=KeyRing(at_rest_cipher(settings)), project_id=project_id, now=now)
        client = await create_client(call, NewClient(scopes=["read:users", "write:users"]))
        return {
            "project_id": project_id,
            "secret": created.secret,
            "client_id": client.client.client_id,
            "client_secret": client.secret,
        }

    return run_in_transaction(settings, work)


async def run_scenarios(
    fixture: dict[str, str], port: int, server_pid: int, seconds: float, concurrency: int
) -> None:
    token_path = f"/v1/public/{fixture['project_id']}/oauth2/token"
    credentials = {
        "grant_type": "client_credentials",
        "client_id": fixture["client_id"],
        "client_secret": fixture["client_secret"],
    }
    # The Python SDK sends the project's own Basic credentials along; the endpoint ignores them.
    project_auth = base64.b64encode(f"{fixture['project_id']}:{fixture['secret']}".encode()).decode()
    as_json = {"Content-Type": "application/json"}
    as_form = {"Content-Type": "application/x-www-form-urlencoded"}
    json_body = json.dumps(credentials).encode()
    scenarios = {
        "ceiling (bare FastAPI route)": http_request("POST", CEILING_PATH, as_json, json_body),
        "m2m token (JSON, Python SDK)": http_request(
            "POST", token_path, {**as_json, "Authorization": f"Basic {project_auth}"}, json_body
        ),
        "m2m token (form, Node SDK)": http_request(
            "POST", token_path, as_form, urlencode(credentials).encode()
        ),
    }
    for name, request in scenarios.items():
        await measure(name, port, server_pid, request, seconds, concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each scenario")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=2, help="server processes (one per core)")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.workers)
        return

    with keystile_server(__file__, args.database_url, "--workers", str(args.workers)) as server:
        fixture = create_fixture(server.settings)
        print(
            f"keystile on {server.engine}, {args.workers} worker(s) on {os.cpu_count()} CPUs, "
            f"{args.concurrency} in flight, {args.seconds:g} s per scenario"
        )
        asyncio.run(run_scenarios(fixture, server.port, server.pid, args.seconds, args.concurrency))


if __name__ == "__main__":
    main()
