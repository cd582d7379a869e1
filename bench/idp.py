"""Load test of the Connected Apps token endpoint: authorization-code exchange (with PKCE S256 and an
ID token) and refresh-token rotation. Starts its own keystile, prints tokens/s, p50, p99 and the
server's CPU per request.

    .venv/bin/python bench/idp.py [--database-url URL] [--seconds 10] [--concurrency 32] [--workers 2]

Codes and refresh tokens are single-use, so every request carries its own: the fixture writes
`--tokens` of each straight to the database (as `idp.oauth.authorize` and a first exchange would),
and each connection takes the next unused one. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import h11
from authlib.oauth2.rfc7636 import create_s256_code_challenge

# Run as a script, this folder is on sys.path.
from load import (
    HOST,
    HttpRequest,
    Measured,
    Result,
    cpu_seconds,
    exchange,
    http_request,
    keystile_server,
    report,
)

from keystile.calls import Call
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.connected_apps.clients import NewClient, create_client
from keystile.connected_apps.grants import record_grant
from keystile.encryption import at_rest_cipher
from keystile.identity.models import User
from keystile.idp.models import IdpAuthorizationCode, IdpRefreshToken, IdpTokenFamily
from keystile.ids import new_id
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing
from keystile.tokens import digest, new_token

REDIRECT = "https://rp.example/callback"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SCOPES = ["openid", "email", "offline_access"]


def serve(port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "keystile.app:app_from_environment",
        factory=True,
        host=HOST,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        timeout_worker_healthcheck=60,
    )


def _rows(project_id: str, client_id: str, user_id: str, count: int, now: Any) -> Iterator[tuple[str, Any]]:
    """`count` codes (with their PKCE verifiers) and `count` refresh tokens (each of its own family)."""
    for _ in range(count):
        code, verifier, family_id = new_token(), new_token(), new_id("idp-token-family")
        common = {"project_id": project_id, "created_at": now, "client_id": client_id, "family_id": family_id}
        yield (
            f"code {code} {verifier}",
            IdpAuthorizationCode(
                token_id=new_id("idp-authorization-code"),
                token_digest=digest(code),
                expires_at=now + timedelta(hours=1),
                code_challenge=create_s256_code_challenge(verifier),
                subject_id=user_id,
                redirect_uri=REDIRECT,
                scopes=SCOPES,
                nonce="n",
                auth_time=now,
                **common,
            ),
        )
        refresh, family_id = new_token(), new_id("idp-token-family")
        common["family_id"] = family_id
        yield (
            f"family {family_id}",
            IdpTokenFamily(
                subject_id=user_id,
                created_at=now,
                **{k: common[k] for k in ("project_id", "client_id", "family_id")},
            ),
        )
        yield (
            f"refresh {refresh}",
            IdpRefreshToken(
                token_id=new_id("idp-refresh-token"),
                token_digest=digest(refresh),
                expires_at=now + timedelta(days=1),
                scopes=["openid", "offline_access"],
                **common,
            ),
        )


def create_fixture(settings: Settings, count: int) -> dict[str, Any]:
    """A project, a confidential client, a user, and the codes and refresh tokens to spend."""
    now = SystemClock().now()

    async def work(db: Any) -> dict[str, Any]:
        created = await create_project(db, name="bench", vertical="consumer", redirect_urls=[], now=now)
        project_id = created.project.project_id
        call = Call(db=db, keys=KeyRing(at_rest_cipher(settings)), project_id=project_id, now=now)
        client = await create_client(call, NewClient(client_type="first_party", redirect_urls=[REDIRECT]))
        user = User(
            user_id=new_id("user"),
            project_id=project_id,
            status="active",
            trusted_metadata={},
            untrusted_metadata={},
            roles=[],
            created_at=now,
        )
        db.add(user)
        # The consent the refresh tokens' families were issued under: without it they are refused.
        await record_grant(call, subject_id=user.user_id, client_id=client.client.client_id, scopes=SCOPES)
        codes, refreshes = [], []
        for label, row in _rows(project_id, client.client.client_id, user.user_id, count, now):
            db.add(row)
            kind, *values = label.split(" ")
            if kind == "code":
                codes.append(values)
            elif kind == "refresh":
                refreshes.append(values[0])
        return {
            "project_id": project_id,
            "client_id": client.client.client_id,
            "client_secret": client.secret,
            "codes": codes,
            "refreshes": refreshes,
        }

    return run_in_transaction(settings, work)


async def drive_once_each(
    port: int, requests: list[HttpRequest], *, seconds: float, concurrency: int
) -> tuple[Result, float]:
    """`concurrency` keep-alive connections, each sending the next unsent request until all are
    sent or `seconds` have passed."""
    result, pending = Result(), iter(requests)
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        http = h11.Connection(h11.CLIENT)
        try:
            for request in pending:
                if time.perf_counter() >= deadline:
                    return
                started = time.perf_counter()
                if await exchange(http, request, reader, writer) == 200:
                    result.latencies.append(time.perf_counter() - started)
                else:
                    result.errors += 1
                http.start_next_cycle()
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return result, time.perf_counter() - started


async def run_scenarios(
    fixture: dict[str, Any], port: int, server_pid: int, seconds: float, concurrency: int
) -> None:
    path = f"/v1/public/{fixture['project_id']}/oauth2/token"
    client = {"client_id": fixture["client_id"], "client_secret": fixture["client_secret"]}
    scenarios = {
        "code exchange (PKCE, ID token)": [
            http_request(
                "POST",
                path,
                FORM,
                urlencode(
                    {
                        "grant_type": "authorization_code",
                        "code": code,
                        "code_verifier": verifier,
                        "redirect_uri": REDIRECT,
                        **client,
                    }
                ).encode(),
            )
            for code, verifier in fixture["codes"]
        ],
        "refresh (rotation)": [
            http_request(
                "POST",
                path,
                FORM,
                urlencode({"grant_type": "refresh_token", "refresh_token": token, **client}).encode(),
            )
            for token in fixture["refreshes"]
        ],
    }
    for name, requests in scenarios.items():
        warm_up, measured_requests = requests[:50], requests[50:]
        await drive_once_each(port, warm_up, seconds=seconds, concurrency=4)
        before = cpu_seconds(server_pid)
        result, elapsed = await drive_once_each(
            port, measured_requests, seconds=seconds, concurrency=concurrency
        )
        report(name, Measured(result, elapsed, cpu_seconds(server_pid) - before))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--seconds", type=float, default=10.0, help="longest duration of each scenario")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=2, help="server processes (one per core)")
    parser.add_argument("--tokens", type=int, default=4000, help="codes and refresh tokens to spend")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.workers)
        return

    with keystile_server(__file__, args.database_url, "--workers", str(args.workers)) as server:
        fixture = create_fixture(server.settings, args.tokens)
        print(
            f"keystile on {server.engine}, {args.workers} worker(s) on {os.cpu_count()} CPUs, "
            f"{args.concurrency} in flight, at most {args.seconds:g} s per scenario"
        )
        asyncio.run(run_scenarios(fixture, server.port, server.pid, args.seconds, args.concurrency))


if __name__ == "__main__":
    main()
