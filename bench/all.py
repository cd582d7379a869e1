"""Every benchmark in turn, in interleaved rounds (round 1 of each script, then round 2 of each…, so
that a passing disturbance of the machine touches one round of each rather than all of one), with the
median of each figure over the rounds, the server's CPU per request beside each rate, and the ratios
the README quotes; written as a Markdown table and as JSON.

    .venv/bin/python bench/all.py results.md results.json [--rounds 3] [--seconds 10]
        [--database-url URL] [--import-users 100000] [--soak-seconds 60] [--only sessions,passwords]

Each script runs as its own process (`bench/<name>.py`) and hands its figures over through the file
$BENCH_RESULTS names (`results.py`). Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results import RESULTS_ENV

HERE = Path(__file__).parent
SCRIPTS = ("sessions", "m2m", "idp", "passwords", "import", "soak")
FIGURES = ("rate", "p50_ms", "p99_ms", "cpu_ms", "errors", "rss_start_mib", "rss_end_mib")
# The reference each scenario is compared with: the framework's ceiling in the same app, or the bare
# hash on the same cores.
SESSION_CEILING = "baseline (Basic auth only)"  # sessions.BASELINE
M2M_CEILING = "ceiling (bare FastAPI route)"  # m2m.py's first scenario
BARE_VERIFY = "argon2id verify, bare"  # passwords.BARE_VERIFY


def script_arguments(script: str, args: argparse.Namespace) -> list[str]:
    """What each script is given for one round."""
    database = ["--database-url", args.database_url] if args.database_url else []
    timed = ["--seconds", str(args.seconds)]
    if script == "sessions":
        return [*database, *timed, "--rounds", "1"]
    if script in ("m2m", "idp", "passwords"):
        return [*database, *timed]
    if script == "import":
        return ["--users", str(args.import_users)]
    return [*database, "--seconds", str(args.soak_seconds), "--servers", "1"]


def run_round(script: str, arguments: list[str], round_number: int) -> tuple[list[dict[str, Any]], int]:
    """One run of `script`: the figures it recorded, and its exit status (its output goes to ours)."""
    with tempfile.TemporaryDirectory(prefix="keystile-bench-all-") as scratch:
        results = Path(scratch) / "results.jsonl"
        env = {**os.environ, RESULTS_ENV: str(results)}
        print(f"== {script}, round {round_number}: {' '.join(arguments)}", flush=True)
        status = subprocess.run([sys.executable, str(HERE / f"{script}.py"), *arguments], env=env).returncode
        if not results.exists():
            return [], status
        return [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()], status


def medians(runs: list[dict[str, Any]]) -> dict[str, float]:
    """The median of each figure over the rounds that have it."""
    found: dict[str, float] = {}
    for figure in FIGURES:
        values = [run[figure] for run in runs if figure in run]
        if values:
            found[figure] = statistics.median(values)
    return found


def compared(script: str, name: str, figures: dict[str, float], table: dict[str, dict[str, float]]) -> str:
    """The scenario against its reference: share of the ceiling's rate and of its CPU per request, or
    the overhead over the bare hash."""
    if script in ("sessions", "m2m"):
        ceiling = table.get(SESSION_CEILING if script == "sessions" else M2M_CEILING)
        if ceiling is None or name in (SESSION_CEILING, M2M_CEILING) or "rate" not in figures:
            return ""
        by_cpu = ceiling["cpu_ms"] / figures["cpu_ms"] * 100 if figures.get("cpu_ms") else 0.0
        return f"{figures['rate'] / ceiling['rate'] * 100:.0f} % of the ceiling's rate, {by_cpu:.0f} % by CPU"
    if script == "passwords" and name != BARE_VERIFY and BARE_VERIFY in table:
        bare = table[BARE_VERIFY]
        by_rate = (1 - figures["rate"] / bare["rate"]) * 100
        by_cpu = (figures["cpu_ms"] / bare["cpu_ms"] - 1) * 100
        return f"overhead over the bare hash: {by_rate:.0f} % by rate, {by_cpu:.0f} % by CPU"
    return ""


def cell(figures: dict[str, float], figure: str, form: str) -> str:
    return format(figures[figure], form) if figure in figures else ""


def markdown(summary: dict[str, Any]) -> str:
    """The table the README quotes."""
    machine = summary["machine"]
    lines = [
        f"Measured {summary['finished_at']} on {machine['cpus']} CPUs ({machine['platform']}, Python "
        f"{machine['python']}), load average {machine['load_before']} before and {machine['load_after']} "
        f"after; medians of {summary['rounds']} interleaved rounds of {summary['seconds']:g} s.",
        "",
        "| benchmark | scenario | rate /s | p50 ms | p99 ms | server CPU ms/request | compared | rounds |",
        "|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for row in summary["results"]:
        figures = row["median"]
        rss = ""
        if "rss_end_mib" in figures:
            rss = f"RSS {figures['rss_start_mib']:.0f} → {figures['rss_end_mib']:.0f} MiB"
        lines.append(
            f"| {row['script']} | {row['name']} | {cell(figures, 'rate', ',.1f')} | "
            f"{cell(figures, 'p50_ms', '.2f')} | {cell(figures, 'p99_ms', '.2f')} | "
            f"{cell(figures, 'cpu_ms', '.3f')} | {row['compared'] or rss} | {row['rounds']} |"
        )
    failed = [f"{script} round {n}" for script, n in summary["failed_runs"]]
    if failed:
        lines += ["", f"Runs that exited with an error: {', '.join(failed)}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("markdown", type=Path, help="where to write the Markdown table")
    parser.add_argument("json", type=Path, help="where to write the figures as JSON")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each load scenario")
    parser.add_argument("--database-url", help="default: each script's own fresh SQLite file")
    parser.add_argument("--import-users", type=int, default=100_000)
    parser.add_argument("--soak-seconds", type=float, default=60.0)
    parser.add_argument("--only", default=",".join(SCRIPTS), help="the scripts to run, comma-separated")
    args = parser.parse_args()
    scripts = [script for script in args.only.split(",") if script]
    unknown = set(scripts) - set(SCRIPTS)
    if unknown:
        raise SystemExit(f"unknown scripts: {', '.join(sorted(unknown))}")

    load_before = ", ".join(f"{load:.1f}" for load in os.getloadavg())
    runs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    failed: list[tuple[str, int]] = []
    for round_number in range(1, args.rounds + 1):
        for script in scripts:
            recorded, status = run_round(script, script_arguments(script, args), round_number)
            if status != 0:
                failed.append((script, round_number))
            for figures in recorded:
                runs[(script, figures.pop("name"))].append(figures)

    tables: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    for (script, name), measured in runs.items():
        tables[script][name] = medians(measured)
    results = [
        {
            "script": script,
            "name": name,
            "rounds": len(runs[(script, name)]),
            "median": figures,
            "runs": runs[(script, name)],
            "compared": compared(script, name, figures, tables[script]),
        }
        for script in scripts
        for name, figures in tables[script].items()
    ]
    summary = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "rounds": args.rounds,
        "seconds": args.seconds,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
            "load_before": load_before,
            "load_after": ", ".join(f"{load:.1f}" for load in os.getloadavg()),
        },
        "failed_runs": failed,
        "results": results,
    }
    args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    args.markdown.write_text(markdown(summary), encoding="utf-8")
    print(markdown(summary))


if __name__ == "__main__":
    main()
