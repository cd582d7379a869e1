"""`keystile rbac policy show|set --project ID [FILE]`: a project's RBAC policy as Stytch's JSON
document (`resources`, `roles`, `scopes`); servers use a new policy within the credential-cache window."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import get_settings
from keystile.errors import KeystileError
from keystile.logs import configure_logging
from keystile.projects.service import get_project
from keystile.rbac import service
from keystile.rbac.model import Policy

app = typer.Typer(help="Role-based access control.", no_args_is_help=True)
policy_app = typer.Typer(help="The project's RBAC policy.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
err = Console(stderr=True)

ProjectOption = Annotated[str, typer.Option("--project", help="The project whose policy to show or set.")]


def _run(work_on: str, document: object | None) -> Policy:
    now = SystemClock().now()

    async def work(db: AsyncSession) -> Policy:
        project = await get_project(db, work_on)
        if document is None:
            return await service.project_policy(db, project.project_id, project.vertical)
        return await service.set_project_policy(db, project.project_id, project.vertical, document, now=now)

    try:
        return run_in_transaction(get_settings(), work)
    except KeystileError as error:
        err.print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
        raise typer.Exit(code=1) from None


@policy_app.command("show")
def show(project_id: ProjectOption) -> None:
    """Print the policy in force (Stytch's default one until a policy is set) as JSON."""
    print(json.dumps(_run(project_id, None).document(), indent=2))


@policy_app.command("set")
def set_policy(
    project_id: ProjectOption,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Replace the policy with the one in FILE (Stytch's default resources and roles are kept), and
    print the policy now in force."""
    configure_logging(get_settings())
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        err.print(f"[red]error[/red] invalid_json: {escape(str(file))} is not a JSON file.")
        raise typer.Exit(code=1) from None
    policy = _run(project_id, document)
    print(json.dumps(policy.document(), indent=2))
    err.print(f"RBAC policy set for {escape(project_id)}")
