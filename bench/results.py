"""Each bench script's figures, machine-readable: one JSON line per scenario appended to the file that
$BENCH_RESULTS names, when it is set (`bench/all.py` sets it and collects the lines)."""

from __future__ import annotations

import json
import os
from typing import Final

RESULTS_ENV: Final = "BENCH_RESULTS"


def record(name: str, **figures: float) -> None:
    """Keep `figures` (rate, p50_ms, p99_ms, cpu_ms, …) of scenario `name`, if asked to."""
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"name": name, **figures}) + "\n")
