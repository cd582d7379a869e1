"""`keystile users import|export`: move users into a project in bulk (JSON Lines or CSV, resumable,
with a rejects file) and out again in the same format."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.impersonation import impersonate_user
from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import get_settings
from keystile.db.engine import create_engine, session_factory
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.logs import configure_logging
from keystile.portability.exporter import export_users
from keystile.portability.importer import DEFAULT_BATCH_SIZE, ImportSummary, Reject, import_users
from keystile.portability.records import as_csv_row, as_json_line, csv_header, read_source
from keystile.projects.service import get_project

app = typer.Typer(help="Consumer users: bulk import and export, impersonation.", no_args_is_help=True)
app.command("impersonate")(impersonate_user)
err = Console(stderr=True)


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


ProjectOption = Annotated[str, typer.Option("--project", help="The project the users belong to.")]


def _fail(error: KeystileError) -> typer.Exit:
    err.print(f"[red]error[/red] {error.error_type}: {escape(error.error_message)}")
    return typer.Exit(code=1)


def _counted_lines(handle: TextIO, progress: Progress, task: Any) -> Iterator[str]:
    for line in handle:
        progress.advance(task, len(line.encode("utf-8", errors="replace")))
        yield line


def _summary_table(summary: ImportSummary, rejects_path: Path) -> Table:
    table = Table("", "users", title="import summary")
    table.add_row("read", str(summary.read))
    table.add_row("imported", str(summary.imported))
    table.add_row("already present (skipped)", str(summary.skipped))
    table.add_row("rejected", str(summary.rejected))
    for reason, count in sorted(summary.reasons.items()):
        table.add_row(f"  {escape(reason)}", str(count))
    if summary.rejected:
        table.caption = f"rejects with reasons: {escape(str(rejects_path))}"
    return table


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON Lines or CSV.")],
    project_id: ProjectOption,
    file_format: Annotated[
        Format | None, typer.Option("--format", help="Default: csv for *.csv, else jsonl.")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Default: FILE.rejects.jsonl beside FILE.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Users per transaction.")] = (
        DEFAULT_BATCH_SIZE
    ),
    workers: Annotated[
        int, typer.Option(min=0, max=64, help="Processes validating records ahead of the writer (0: none).")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Import users; re-running skips those already in, so an interrupted import resumes."""
    settings = get_settings()
    configure_logging(settings)
    csv_format = (
        file_format or (Format.csv if file.suffix.lower() == ".csv" else Format.jsonl)
    ) is Format.csv
    rejects_path = rejects or file.with_name(file.name + ".rejects.jsonl")
    now = SystemClock().now()

    async def run(handle: TextIO, rejects_out: TextIO, progress: Progress, task: Any) -> ImportSummary:
        engine = create_engine(settings.database_url)
        # Spawned, not forked: the parent already runs an event loop and database threads.
        spawn = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(workers, mp_context=spawn) if workers else None
        try:
            sessions = session_factory(engine)
            async with unit_of_work(sessions) as db:
                await get_project(db, project_id)

            def on_reject(item: Reject) -> None:
                line = {"line": item.line, "error_type": item.error_type, "reason": item.reason}
                rejects_out.write(json.dumps({**line, "input": item.text}, ensure_ascii=False) + "\n")

            return await import_users(
                sessions,
                project_id,
                read_source(_counted_lines(handle, progress, task), csv_format=csv_format),
                now=now,
                on_reject=on_reject,
                on_batch=progress.refresh,
                batch_size=batch_size,
                executor=pool,
            )
        finally:
            await engine.dispose()
            if pool is not None:
                pool.shutdown()

    columns = (
        TextColumn("importing"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TimeRemainingColumn(),
    )
    try:
        with (
            file.open(encoding="utf-8", errors="replace", newline="") as handle,
            rejects_path.open("w", encoding="utf-8") as rejects_out,
            Progress(*columns, console=err) as progress,
        ):
            task = progress.add_task("import", total=file.stat().st_size)
            summary = asyncio.run(run(handle, rejects_out, progress, task))
    except KeystileError as error:
        raise _fail(error) from None
    if as_json:
        result = {
            "read": summary.read,
            "imported": summary.imported,
            "skipped": summary.skipped,
            "rejected": summary.rejected,
            "reasons": dict(summary.reasons),
            "rejects_file": str(rejects_path),
        }
        print(json.dumps(result))
    else:
        err.print(_summary_table(summary, rejects_path))


@app.command("export")
def export_command(
    project_id: ProjectOption,
    include_password_hashes: Annotated[
        bool, typer.Option("--include-password-hashes", help="Also write each user's password hash.")
    ] = False,
    file_format: Annotated[Format, typer.Option("--format")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Default: standard output.")] = None,
) -> None:
    """Write every user of the project in the import format (creation order)."""
    settings = get_settings()
    configure_logging(settings)

    async def work(db: AsyncSession, out: TextIO) -> int:
        await get_project(db, project_id)
        count = 0
        if file_format is Format.csv:
            out.write(csv_header())
        async for fields in export_users(
            db, project_id, include_password_hashes=include_password_hashes, now=SystemClock().now()
        ):
            out.write(as_csv_row(fields) if file_format is Format.csv else as_json_line(fields))
            count += 1
        return count

    try:
        if output is None:
            count = run_in_transaction(settings, lambda db: work(db, typer.get_text_stream("stdout")))
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                count = run_in_transaction(settings, lambda db: work(db, out))
    except KeystileError as error:
        raise _fail(error) from None
    err.print(f"exported {count} user(s)")
