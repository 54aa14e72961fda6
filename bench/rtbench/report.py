"""Printing results as Markdown tables (pasted as is into docs/benchmarks.md)."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections.abc import Sequence

from rtbench import procs


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float) -> str:
    if value != value:  # NaN: nothing measured
        return "–"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def machine() -> str:
    load = os.getloadavg()[0]
    commit = subprocess.run(["git", "-C", str(procs.ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    snapshot = os.environ.get("BENCH_SRC")
    return (f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, commit {commit}"
            f"{f' (src from {snapshot})' if snapshot else ''}, load average {load:.2f}")
