"""`keystile projects session-migration set|show|clear`: the OIDC userinfo URL of a project's former
provider, which `sessions.migrate` asks whose a token is."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_or_exit
from keystile.clock import SystemClock, rfc3339
from keystile.config import get_settings
from keystile.factors.session_migration import configuration

app = typer.Typer(help="Session migration from a former provider (sessions.migrate).", no_args_is_help=True)
err = Console(stderr=True)

Project = Annotated[str, typer.Option("--project", help="The project's id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _print(shown: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(shown))
    else:
        err.print(f"userinfo URL: {shown['userinfo_url'] or '(none: sessions.migrate is refused)'}")


@app.command("set")
def set_url(
    project_id: Project,
    userinfo_url: Annotated[str, typer.Option(help="The former provider's OIDC userinfo endpoint.")],
    as_json: AsJson = False,
) -> None:
    """Set the userinfo URL `sessions.migrate` sends the former provider's tokens to."""
    now = SystemClock().now()

    async def work(db: AsyncSession) -> dict[str, Any]:
        config = await configuration.set_userinfo_url(db, project_id, userinfo_url, now)
        return {"project_id": project_id, "userinfo_url": config.userinfo_url, "updated_at": rfc3339(now)}

    _print(run_or_exit(get_settings(), work), as_json)


@app.command("show")
def show(project_id: Project, as_json: AsJson = False) -> None:
    """The project's userinfo URL, if any."""

    async def work(db: AsyncSession) -> dict[str, Any]:
        config = await configuration.userinfo_config(db, project_id)
        return {"project_id": project_id, "userinfo_url": config.userinfo_url if config else None}

    _print(run_or_exit(get_settings(), work), as_json)


@app.command("clear")
def clear(project_id: Project, as_json: AsJson = False) -> None:
    """Turn session migration off."""
    run_or_exit(get_settings(), lambda db: configuration.clear_userinfo_url(db, project_id))
    _print({"project_id": project_id, "userinfo_url": None}, as_json)
