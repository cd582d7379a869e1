"""Helpers the CLI commands share: run a coroutine inside one unit of work on the configured DB."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.config import Settings
from keystile.db.engine import create_engine, session_factory
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError

T = TypeVar("T")


def run_in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction against the configured database and return its result."""

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            async with unit_of_work(session_factory(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def run_or_exit(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`run_in_transaction`; a refusal is printed on stderr and exits with status 1."""
    try:
        return run_in_transaction(settings, work)
    except KeystileError as error:
        Console(stderr=True).print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
        raise typer.Exit(code=1) from None
