"""The `keystile` command line (Typer + Rich)."""
