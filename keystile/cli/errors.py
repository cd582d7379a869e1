"""`keystile errors …`: the error catalogue, as the README shows it."""

from __future__ import annotations

import typer

from keystile.errors import markdown_table

app = typer.Typer(help="The error catalogue.", no_args_is_help=True)


@app.command("table")
def table() -> None:
    """Print every error type keystile answers, with its status, owner and message, as a markdown table."""
    print(markdown_table(), end="")
