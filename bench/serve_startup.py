"""Time from launching `atrium serve` to its first 200 on /healthz.

    .venv/bin/python bench/serve_startup.py [--runs 5]

Two cases: a fresh data folder (migrations, static files, setup token) and an existing one
(a restart). Each run starts a new process on a free port and stops it; prints the median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.server import start_server


def timed_start(data_dir: Path) -> float:
    server = start_server(data_dir)
    try:
        return server.started_in
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"fresh data folder": [], "existing data folder": []}
    with tempfile.TemporaryDirectory(prefix="atrium-bench-") as root:
        for run in range(args.runs):
            results["fresh data folder"].append(timed_start(Path(root) / f"fresh-{run}"))
        existing = Path(root) / "existing"
        timed_start(existing)  # the first start prepares the folder; not counted
        for _run in range(args.runs):
            results["existing data folder"].append(timed_start(existing))
    print(f"atrium serve -> first 200 on /healthz, {args.runs} runs each")
    for case, seconds in results.items():
        runs = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"  {case:<22} median {statistics.median(seconds):.2f} s  (runs: {runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
