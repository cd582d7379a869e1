"""`keystile m2m …`: import M2M clients from Auth0, and manage the custom claims template of M2M
access tokens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import get_settings
from keystile.errors import KeystileError
from keystile.logs import configure_logging
from keystile.m2m import clients
from keystile.m2m.auth0 import read_auth0_export

app = typer.Typer(help="M2M clients.", no_args_is_help=True)
template_app = typer.Typer(help="The custom claims template of M2M access tokens.", no_args_is_help=True)
app.add_typer(template_app, name="claims-template")

err = Console(stderr=True)

ProjectOption = Annotated[str, typer.Option("--project", help="The project the clients belong to.")]
ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _fail(error: KeystileError) -> typer.Exit:
    err.print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
    return typer.Exit(code=1)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise _fail(KeystileError("invalid_argument", f"{path} is not UTF-8 text.")) from error


def _read_json(path: Path) -> object:
    try:
        return json.loads(_read_text(path))
    except ValueError as error:
        raise _fail(KeystileError("invalid_json", f"{path} is not a JSON file.")) from error


@app.command("import")
def import_clients(
    file: ExistingFile,
    project_id: ProjectOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import the M2M applications of an Auth0 export with their client_id and client_secret, so the
    same credentials keep getting tokens. All or nothing: if any client is refused, none is imported.
    Applications that were already imported, or that are not M2M applications, are skipped."""
    settings = get_settings()
    configure_logging(settings)
    now = SystemClock().now()
    try:
        export = read_auth0_export(_read_json(file))
        report = run_in_transaction(
            settings, lambda db: clients.import_clients(db, project_id, export.clients, now=now)
        )
    except KeystileError as error:
        raise _fail(error) from None
    skipped = export.skipped + report.skipped
    if as_json:
        print(
            json.dumps(
                {
                    "project_id": project_id,
                    "imported": report.imported,
                    "skipped": [{"client_id": c, "reason": r} for c, r in skipped],
                    "refused": [{"client_id": c, "reason": r} for c, r in report.refused],
                }
            )
        )
    else:
        for client_id, reason in skipped:
            err.print(f"skipped {escape(client_id)}: {escape(reason)}")
        for client_id, reason in report.refused:
            err.print(f"[red]refused[/red] {escape(client_id)}: {escape(reason)}")
        err.print(f"imported {len(report.imported)} client(s) into {escape(project_id)}")
    if report.refused:
        raise typer.Exit(code=1)


@template_app.command("set")
def set_template(file: ExistingFile, project_id: ProjectOption) -> None:
    """Set the template from FILE, e.g. {"role": {{ client.trusted_metadata.role }}}."""
    settings = get_settings()
    configure_logging(settings)
    now = SystemClock().now()
    template = _read_text(file)
    try:
        run_in_transaction(
            settings, lambda db: clients.set_claims_template(db, project_id, template, now=now)
        )
    except KeystileError as error:
        raise _fail(error) from None
    err.print(f"M2M claims template set for {escape(project_id)}")


@template_app.command("show")
def show_template(project_id: ProjectOption) -> None:
    """Print the template (nothing when none is set)."""
    try:
        template = run_in_transaction(get_settings(), lambda db: clients.get_claims_template(db, project_id))
    except KeystileError as error:
        raise _fail(error) from None
    if template is not None:
        print(template)


@template_app.command("clear")
def clear_template(project_id: ProjectOption) -> None:
    """Remove the template: tokens carry no custom claims."""
    now = SystemClock().now()
    try:
        run_in_transaction(
            get_settings(), lambda db: clients.set_claims_template(db, project_id, None, now=now)
        )
    except KeystileError as error:
        raise _fail(error) from None
    err.print(f"M2M claims template cleared for {escape(project_id)}")
