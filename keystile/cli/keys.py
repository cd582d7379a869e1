"""`keystile keys …`: rotate a project's JWT signing key."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock, rfc3339
from keystile.config import get_settings
from keystile.encryption import at_rest_cipher
from keystile.errors import KeystileError
from keystile.logs import configure_logging
from keystile.sessions.keys import KeyRing

app = typer.Typer(help="JWT signing keys.", no_args_is_help=True)

err = Console(stderr=True)


@app.command("rotate")
def rotate(
    project_id: Annotated[str, typer.Option("--project", help="The project whose key to rotate.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Add a signing key: it is published now and signs once every server and cache has it; the
    old key stays published until the last JWT it signed has expired."""
    settings = get_settings()
    configure_logging(settings)
    keys = KeyRing(at_rest_cipher(settings), cache_seconds=settings.signing_key_cache_seconds)
    now = SystemClock().now()
    try:
        key = run_in_transaction(settings, lambda db: keys.rotate(db, project_id, now))
    except KeystileError as error:
        err.print(f"[red]error[/red] {error.error_type}: {error.error_message}")
        raise typer.Exit(code=1) from None
    result = {"project_id": project_id, "kid": key.kid, "signs_from": rfc3339(key.activates_at)}
    if as_json:
        print(json.dumps(result))
    else:
        err.print(f"new key {result['kid']} is published now and signs from {result['signs_from']}")
