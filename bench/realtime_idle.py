"""Idle sockets: memory per connection on one worker, and reconnection after a worker restart.

    .venv/bin/python bench/realtime_idle.py            # 10,000 sockets (a few minutes)
    .venv/bin/python bench/realtime_idle.py --quick    # 500 sockets, to check it works

One `atrium serve` worker (embedded: SQLite, no Redis) and one person per socket, each with an
API token. Client processes (3 by default, one core is left to the server) open every socket,
resume live, and stay idle. Measured: the worker's resident memory before and after (after a
warm-up group of 20 sockets, so imports done on the first connection are not counted), hence
memory per connection; then the worker is killed (SIGKILL) and started again, and the clients
reconnect like the browser client (first wait 0.5-1 s, doubled at each failure, at most 10 s):
time until every socket is back. Baseline in the same run: the raw ASGI app (no Django) holding
the same number of idle sockets under the same uvicorn.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rtbench import atrium, procs, report
from rtbench.clients import ClientGroup

WARMUP = 20


def settle_rss(pid: int, seconds: float = 2.0) -> int:
    time.sleep(seconds)
    return procs.rss_kib(pid)


def hold(port: int, count: int, processes: int, tokens: Path | None, log: Path,
         reconnect: bool = False) -> tuple[ClientGroup, float, dict]:
    began = time.monotonic()
    group = ClientGroup("wsclient.py", port, count, processes, tokens=tokens, log=log,
                        extra=["--reconnect"] if reconnect else [])
    answers = group.wait_ready()
    ready = sum(answer["ready"] for answer in answers)
    return group, time.monotonic() - began, {"ready": ready, **group.status()}


def measure_memory(pid: int, port: int, sockets: int, processes: int, tokens: Path | None,
                   root: Path, name: str, reconnect: bool = False
                   ) -> tuple[dict, ClientGroup, ClientGroup]:
    warm, _seconds, _status = hold(port, WARMUP, 1, tokens, root / f"{name}-warm.log")
    before = settle_rss(pid)
    group, seconds, status = hold(port, sockets, processes, tokens, root / f"{name}.log",
                                  reconnect)
    after = settle_rss(pid, 3.0)
    result = {"before": before, "after": after, "ready": status["ready"],
              "connect_s": seconds, "per_conn_kib": (after - before) / max(1, status["ready"]),
              "failures": status["failures"]}
    return result, warm, group


def wait_all(group: ClientGroup, count: int, limit: float) -> tuple[float, dict]:
    deadline = time.monotonic() + limit
    status = group.status()
    while time.monotonic() < deadline:
        status = group.status()
        if status["open"] >= count:
            break
        time.sleep(0.25)
    return time.time(), status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 sockets")
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=3, help="client processes")
    parser.add_argument("--reconnect-limit", type=float, default=600.0,
                        help="seconds to wait for every socket to come back")
    args = parser.parse_args()
    if args.quick:
        args.sockets, args.processes, args.reconnect_limit = 500, 2, 120.0
    limit = procs.raise_nofile(65_536)
    niceness = procs.prioritise()
    if limit < args.sockets + 1000:
        print(f"open-file limit {limit} is too low for {args.sockets} sockets", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="atrium-bench-idle-"))
    print(f"Idle sockets: {args.sockets:,} on one worker; {report.machine()}, "
          f"nice {niceness}", flush=True)
    rows = []
    raw = server = None
    groups: list[ClientGroup] = []
    try:
        port = procs.free_port()
        raw_log = root / "raw.log"
        raw = procs.spawn([procs.PYTHON, str(procs.BENCH / "rtbench" / "rawapp.py"),
                           "--port", str(port)], log=raw_log)
        procs.wait_port(port, raw, log=raw_log)
        raw_result, warm, group = measure_memory(raw.pid, port, args.sockets, args.processes,
                                                 None, root, "raw-clients")
        groups += [warm, group]
        for item in (group, warm):
            item.close()
            groups.remove(item)
        procs.stop(raw)
        print(f"raw ASGI: {raw_result}", flush=True)

        server = atrium.start(root, args.sockets)
        pid = server.process.pid
        result, warm, group = measure_memory(pid, server.port, args.sockets, args.processes,
                                             server.tokens_file, root, "atrium-clients",
                                             reconnect=True)
        groups += [warm, group]
        warm.close()
        groups.remove(warm)
        print(f"Atrium: {result}", flush=True)
        killed = time.time()
        up = atrium.restart(server, hard=True)
        back, status = wait_all(group, args.sockets, args.reconnect_limit)
        reconnect = {"restart_s": up - killed, "all_back_s": back - killed,
                     "after_up_s": back - up, "open": status["open"],
                     "attempts": status["reconnects"], "failures": status["failures"],
                     "closed_codes": status["closed_codes"]}
        print(f"Atrium restart: {reconnect}", flush=True)
        for name, item in (("raw ASGI (uvicorn, no Django)", raw_result), ("Atrium", result)):
            rows.append([name, f"{item['ready']:,}", f"{item['before'] / 1024:.0f} MiB",
                         f"{item['after'] / 1024:.0f} MiB", f"{item['per_conn_kib']:.1f} KiB",
                         f"{item['connect_s']:.1f} s"])
        print()
        print(report.table(["server", "sockets ready", "RSS before", "RSS after",
                            "per connection", "time to connect all"], rows))
        print()
        everyone = "every" if status["open"] >= args.sockets else \
            f"NOT every socket ({status['open']:,} of {args.sockets:,})"
        print(report.table(
            ["after SIGKILL of the worker", "seconds"],
            [["worker answering again", f"{reconnect['restart_s']:.1f}"],
             [f"{everyone} socket reconnected (from the kill)", f"{reconnect['all_back_s']:.1f}"],
             ["of which after the worker answered", f"{reconnect['after_up_s']:.1f}"]]))
        print(f"\nreconnection attempts: {reconnect['attempts']:,}; failures by kind: "
              f"{reconnect['failures']}; close codes seen: {reconnect['closed_codes']}")
    finally:
        for item in groups:
            item.close()
        procs.stop(raw)
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
