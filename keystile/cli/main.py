"""The `keystile` command: serve, worker, db, projects."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.panel import Panel
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.api.header_deadline import HeaderDeadlineProtocol
from keystile.cli import keys, m2m, passwords, projects, sms, users
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings, get_settings
from keystile.db.engine import async_url, sqlite_path
from keystile.db.migrate import upgrade
from keystile.delivery.worker import run_until_signalled
from keystile.logs import configure_logging
from keystile.projects import service
from keystile.projects.service import CreatedProject

app = typer.Typer(help="keystile: a self-hosted auth server that speaks the Stytch API.")
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(projects.app, name="projects")
app.add_typer(keys.app, name="keys")
app.add_typer(m2m.app, name="m2m")
app.add_typer(users.app, name="users")
app.add_typer(passwords.app, name="passwords")
app.add_typer(sms.app, name="sms")

DEV_REDIRECT_URL = "http://localhost:3000/authenticate"


@db_app.command("upgrade")
def db_upgrade(revision: str = "heads") -> None:
    """Apply migrations to the configured database (any engine)."""
    settings = get_settings()
    configure_logging(settings)
    upgrade(settings.database_url, revision)
    Console(stderr=True).print(f"database at revision {revision}")


def _first_start(settings: Settings) -> None:
    """On an empty database, create a test project and show its secret once."""

    async def create_if_empty(session: AsyncSession) -> CreatedProject | None:
        if await service.count_projects(session) > 0:
            return None
        return await service.create_project(
            session,
            name="Default test project",
            vertical="consumer",
            redirect_urls=[DEV_REDIRECT_URL],
            now=SystemClock().now(),
        )

    created = run_in_transaction(settings, create_if_empty)
    if created is None:
        return
    Console().print(
        Panel.fit(
            f"project_id: {created.project.project_id}\n"
            f"secret:     {created.secret}\n"
            f"redirect:   {DEV_REDIRECT_URL}\n\n"
            "The secret is shown only this once.",
            title="keystile created a test project",
        )
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the Stytch API at the root (`/v1/...`), `/healthz` and `/docs`."""
    settings = get_settings()
    configure_logging(settings)
    if sqlite_path(async_url(settings.database_url)) is not None:
        upgrade(settings.database_url)
    _first_start(settings)
    uvicorn.run(
        "keystile.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        server_header=False,
        http=HeaderDeadlineProtocol,
        # Forwarded headers are believed only from the proxies named (uvicorn trusts 127.0.0.1 by
        # default, which would let any local caller choose the IP its rate limits count against).
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies,
        # With --workers, each worker answers uvicorn's health check once it has imported keystile,
        # which takes longer than uvicorn's default 5 s on a busy machine.
        timeout_worker_healthcheck=60,
    )


@app.command()
def worker() -> None:
    """Send outbox email until stopped (run servers with KEYSTILE_OUTBOX_WORKER=false)."""
    settings = get_settings()
    configure_logging(settings)
    asyncio.run(run_until_signalled(settings))
