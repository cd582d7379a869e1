"""`keystile passwords policy`: a project's password strength policy (zxcvbn or LUDS), breach checks and
B2B cross-organization passwords."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import get_settings
from keystile.credentials.policy import PasswordRules, update_rules
from keystile.errors import KeystileError
from keystile.projects.service import get_project

app = typer.Typer(help="Password policy.", no_args_is_help=True)
err = Console(stderr=True)


@app.command("policy")
def policy(
    project_id: Annotated[str, typer.Option("--project", help="The project whose policy to show or change.")],
    strength: Annotated[str | None, typer.Option(help="zxcvbn (score >= 3) or luds.")] = None,
    luds_min_length: Annotated[int | None, typer.Option(help="LUDS: minimum length.")] = None,
    luds_min_complexity: Annotated[
        int | None, typer.Option(help="LUDS: how many of lower, upper, digit, symbol.")
    ] = None,
    breach_on_create: Annotated[
        bool | None,
        typer.Option("--breach-on-create/--no-breach-on-create", help="Refuse breached new passwords."),
    ] = None,
    breach_on_authenticate: Annotated[
        bool | None,
        typer.Option(
            "--breach-on-authenticate/--no-breach-on-authenticate",
            help="Require a reset when a breached password logs in (turn off while migrating users).",
        ),
    ] = None,
    cross_org: Annotated[
        bool | None,
        typer.Option(
            "--cross-org-passwords/--no-cross-org-passwords",
            help="B2B: one password per email address across the project's organizations.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the policy as one JSON object.")] = False,
) -> None:
    """Show the project's password policy, changing the given settings first."""
    requested = {
        "strength_policy": strength,
        "luds_min_length": luds_min_length,
        "luds_min_complexity": luds_min_complexity,
        "breach_detection_on_create": breach_on_create,
        "breach_detection_on_authenticate": breach_on_authenticate,
        "cross_org_passwords": cross_org,
    }
    changes: dict[str, object] = {name: value for name, value in requested.items() if value is not None}
    now = SystemClock().now()

    async def work(db: AsyncSession) -> PasswordRules:
        await get_project(db, project_id)
        return await update_rules(db, project_id, changes, now=now)

    try:
        rules = run_in_transaction(get_settings(), work)
    except KeystileError as error:
        err.print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
        raise typer.Exit(code=1) from None
    if as_json:
        print(json.dumps(asdict(rules)))
    else:
        for name, value in asdict(rules).items():
            err.print(f"{name}: {value}")
