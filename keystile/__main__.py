"""`python -m keystile` runs the CLI."""

from keystile.cli.main import app

app()
