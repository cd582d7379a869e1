"""The `keystile` command: serve, worker, db, projects."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import structlog
import typer
import uvicorn
from rich.console import Console
from rich.panel import Panel
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.api.header_deadline import HeaderDeadlineProtocol
from keystile.cli import errors, impersonation, keys, m2m, oauth, passwords, projects, rbac, sms, users
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings, get_settings
from keystile.db.engine import async_url, sqlite_path
from keystile.db.migrate import upgrade
from keystile.delivery.worker import run_until_signalled
from keystile.logs import configure_logging
from keystile.projects import service
from keystile.projects.service import CreatedProject
from keystile.ui.loopback import is_loopback_host

app = typer.Typer(help="keystile: a self-hosted auth server that speaks the Stytch API.")
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(projects.app, name="projects")
app.add_typer(keys.app, name="keys")
app.add_typer(m2m.app, name="m2m")
app.add_typer(users.app, name="users")
app.add_typer(impersonation.members_app, name="members")
app.add_typer(passwords.app, name="passwords")
app.add_typer(sms.app, name="sms")
app.add_typer(errors.app, name="errors")
app.add_typer(oauth.app, name="oauth")
app.add_typer(rbac.app, name="rbac")

DEV_REDIRECT_URL = "http://localhost:3000/authenticate"
# Where the first project's secret goes, beside the embedded database, when stdout is no terminal.
FIRST_PROJECT_FILE = "first-project.json"

log = structlog.get_logger("keystile.cli")


@db_app.command("upgrade")
def db_upgrade(revision: str = "heads") -> None:
    """Apply migrations to the configured database (any engine)."""
    settings = get_settings()
    configure_logging(settings)
    upgrade(settings.database_url, revision)
    Console(stderr=True).print(f"database at revision {revision}")


def _first_start(settings: Settings) -> None:
    """On a fresh embedded (SQLite) database, create a test project for a first try and hand over its
    secret once, never through the log: on the terminal when stdout is one, otherwise in a file beside
    the database that only its owner may read (the log names the file)."""
    database = sqlite_path(async_url(settings.database_url))
    if database is None:
        return

    async def create_if_empty(session: AsyncSession) -> CreatedProject | None:
        if await service.count_projects(session) > 0:
            return None
        return await service.create_project(
            session,
            name="Default test project",
            vertical="consumer",
            environment=service.TEST,
            redirect_urls=[DEV_REDIRECT_URL],
            now=SystemClock().now(),
        )

    created = run_in_transaction(settings, create_if_empty)
    if created is None:
        return
    project = created.project
    if sys.stdout.isatty():
        Console().print(
            Panel.fit(
                f"project_id: {project.project_id}\n"
                f"secret:     {created.secret}\n"
                f"redirect:   {DEV_REDIRECT_URL}\n\n"
                "The secret is shown only this once.",
                title="keystile created a test project",
            )
        )
        return
    shown = {
        "project_id": project.project_id,
        "secret": created.secret,
        "public_token": project.public_token,
        "vertical": project.vertical,
        "environment": project.environment,
        "redirect_url": DEV_REDIRECT_URL,
    }
    path = _write_private(database.parent / FIRST_PROJECT_FILE, json.dumps(shown, indent=2) + "\n")
    log.info("first_project_created", project_id=project.project_id, secret_in=str(path))


def _write_private(path: Path, text: str) -> Path:
    """Write `text` to `path` with mode 0600 (replacing any older file in one step)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.replace(temporary, path)
    return path


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    tls_cert: Annotated[
        Path | None, typer.Option(help="PEM certificate (chain): serve HTTPS, as the browser SDK needs.")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="PEM private key of --tls-cert.")] = None,
) -> None:
    """Serve the Stytch API at the root (`/v1/...`), the frontend SDK API (`/sdk/v1/...`), `/healthz`
    and `/docs`; over HTTPS with --tls-cert and --tls-key."""
    settings = get_settings()
    configure_logging(settings)
    if (tls_cert is None) != (tls_key is None):
        typer.echo("--tls-cert and --tls-key go together.", err=True)
        raise typer.Exit(code=2)
    if settings.dev_inbox and not is_loopback_host(host):
        typer.echo(
            f"KEYSTILE_DEV_INBOX=true serves development-only pages: bind to a loopback host "
            f"(127.0.0.1, localhost or ::1), not {host}, or leave the dev inbox off.",
            err=True,
        )
        raise typer.Exit(code=2)
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
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
    )


@app.command()
def worker() -> None:
    """Send outbox email until stopped (run servers with KEYSTILE_OUTBOX_WORKER=false)."""
    settings = get_settings()
    configure_logging(settings)
    asyncio.run(run_until_signalled(settings))
