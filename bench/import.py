"""Bulk import throughput: generates N pre-hashed users as JSON Lines, then imports them with the same
code path as `keystile users import` (read, validate, deduplicate, batched transactions) into a fresh
database per engine, and prints users/s, and the CPU time per user of the importing process and of
its validation processes (what a busy shared machine does not distort).

    .venv/bin/python bench/import.py [--users 100000] [--engines sqlite,postgresql] [--batch-size 1000]

PostgreSQL is reached at --pg-dsn (the test suite's default server); a scratch database is created there
and dropped afterwards. Everything stays on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this folder is on sys.path.
from results import record
from scratch_pg import scratch_database
from users_file import write_users

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.db.engine import create_engine, session_factory
from keystile.db.migrate import upgrade
from keystile.portability.importer import ImportSummary, import_users
from keystile.portability.records import read_source
from keystile.projects.service import create_project

SCRATCH_DB = "keystile_bench_import"


@dataclass
class Measured:
    summary: ImportSummary
    seconds: float
    importer_cpu: float
    validator_cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_once(database_url: str, source: Path, batch_size: int, workers: int) -> Measured:
    upgrade(database_url)
    now = SystemClock().now()
    created = run_in_transaction(
        Settings(database_url=database_url),
        lambda db: create_project(db, name="bench", vertical="consumer", redirect_urls=[], now=now),
    )

    async def run() -> Measured:
        engine = create_engine(database_url)
        pool = (
            ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if workers else None
        )
        try:
            with source.open(encoding="utf-8") as handle:
                started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
                summary = await import_users(
                    session_factory(engine),
                    created.project.project_id,
                    read_source(handle, csv_format=False),
                    now=now,
                    on_reject=lambda reject: None,
                    on_batch=lambda: None,
                    batch_size=batch_size,
                    executor=pool,
                )
                seconds, importer_cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            await engine.dispose()
            if pool is not None:
                pool.shutdown()  # waits for the workers, so that their CPU time is counted
        return Measured(summary, seconds, importer_cpu, _children_cpu() - children)

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="validation processes (0: threads)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="keystile-bench-import-") as scratch:
        source = Path(scratch) / "users.jsonl"
        write_users(source, args.users)
        print(
            f"{args.users} pre-hashed users, batches of {args.batch_size}, "
            f"{args.workers} validation process(es)"
        )
        for engine in args.engines.split(","):
            if engine == "sqlite":
                measured = import_once(
                    f"sqlite:///{Path(scratch) / 'bench.db'}", source, args.batch_size, args.workers
                )
            elif engine == "postgresql":
                with scratch_database(SCRATCH_DB) as url:
                    measured = import_once(url, source, args.batch_size, args.workers)
            else:
                raise SystemExit(f"unsupported engine: {engine}")
            summary, per_user = measured.summary, 1e6 / max(measured.summary.imported, 1)
            record(
                f"users import ({engine})",
                rate=summary.imported / measured.seconds,
                cpu_ms=(measured.importer_cpu + measured.validator_cpu) * per_user / 1000,
            )
            print(
                f"{engine:<12} imported {summary.imported:>7}   rejected {summary.rejected}   "
                f"{measured.seconds:6.1f} s   {summary.imported / measured.seconds:>8.0f} users/s   "
                f"CPU per user: importer {measured.importer_cpu * per_user:5.0f} us, "
                f"validators {measured.validator_cpu * per_user:5.0f} us"
            )


if __name__ == "__main__":
    main()
