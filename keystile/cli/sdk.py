"""`keystile projects sdk`: the frontend SDK settings of a project (on or off, authorized domains,
methods forbidden), changed by the options given and printed."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from keystile.cli.runtime import run_in_transaction
from keystile.config import get_settings
from keystile.errors import KeystileError
from keystile.projects.sdk import SDK_METHODS, configure_sdk

Origins = Annotated[list[str] | None, typer.Option(help="An origin such as https://app.example.com; repeat.")]
Methods = Annotated[list[str] | None, typer.Option(help=f"One of {', '.join(SDK_METHODS)}; repeat.")]


def sdk(
    project_id: Annotated[str, typer.Option("--project", help="The project's id.")],
    enable: Annotated[
        bool | None, typer.Option("--enable/--disable", help="Turn the frontend SDK API (/sdk/v1) on or off.")
    ] = None,
    authorized_domain: Origins = None,
    remove_authorized_domain: Origins = None,
    forbid_method: Methods = None,
    allow_method: Methods = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Show or change the frontend SDK settings: SDK requests must come from an authorized domain
    (http://localhost only in test projects), and forbidden methods are refused."""
    try:
        settings = run_in_transaction(
            get_settings(),
            lambda s: configure_sdk(
                s,
                project_id,
                enabled=enable,
                add_domains=authorized_domain or (),
                remove_domains=remove_authorized_domain or (),
                forbid=forbid_method or (),
                allow=allow_method or (),
            ),
        )
    except KeystileError as error:
        Console(stderr=True).print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
        raise typer.Exit(code=1) from None
    shown = {
        "project_id": project_id,
        "enabled": settings.enabled,
        "authorized_domains": list(settings.authorized_domains),
        "forbidden_methods": list(settings.forbidden_methods),
    }
    if as_json:
        print(json.dumps(shown))
        return
    for key, value in shown.items():
        Console().print(f"[bold]{key}[/bold]: {escape(str(value))}")
