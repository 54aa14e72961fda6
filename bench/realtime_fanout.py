"""Fan-out: one chat channel with 1,000 member sockets, a sender posting at rising rates.

    .venv/bin/python bench/realtime_fanout.py            # one worker, embedded (SQLite)
    .venv/bin/python bench/realtime_fanout.py --scaled   # two workers, PostgreSQL + Redis
    .venv/bin/python bench/realtime_fanout.py --quick    # 100 sockets, short steps

Atrium: `atrium serve` on a fresh data folder; 1,000 people, each with an API token and a
socket (Bearer auth) following the channel by default. The sender posts real chat messages
(`do_post_message` through HTTP, rotating over 200 members since one person may post only
30 messages in 10 s), each body stamped with the wall clock; clients (a separate process)
report receipt minus stamp. Baselines in the same run, same sockets, same frame size, same
sender, same client: the raw ASGI broadcast app (no Django: the practical ceiling) and, with
one worker, the stock Channels consumer with the in-memory layer (what Atrium's hub
replaced). In scaled mode the raw baseline runs two workers linked by Redis pub/sub.
Each rate runs on every server in turn (interleaved, so drift on a shared machine hits all);
a server stops climbing once its p99 passes 5 s or it delivers less than 90%.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rtbench import atrium, pg, procs, report
from rtbench.clients import ClientGroup
from rtbench.sender import Sender
from rtbench.steps import Target, run_step, sockets_per_process, sustained

REDIS_URL = "redis://127.0.0.1:6379/0"
DATABASE = "atrium_bench_rt"


def start_baseline(script: str, name: str, root: Path, sockets: int, processes: int,
                   frame_bytes: int, scaled: bool, stack: list) -> Target:
    port = procs.free_port()
    log = root / f"{name}.log"
    argv = [procs.PYTHON, str(procs.BENCH / "rtbench" / script), "--port", str(port),
            "--frame-bytes", str(frame_bytes)]
    if scaled:
        argv += ["--workers", "2", "--redis", REDIS_URL]
    process = procs.spawn(argv, log=log)
    stack.append(process)
    procs.wait_port(port, process, log=log)
    group = ClientGroup("wsclient.py", port, sockets, processes, log=root / f"{name}-cl.log")
    stack.append(group)
    group.wait_ready()

    def pids() -> list[int]:
        return atrium.worker_pids(process.pid) if scaled else [process.pid]

    def shutdown() -> None:
        group.close()
        procs.stop(process)

    return Target(name, group, Sender(port, "/broadcast"), pids, sockets, shutdown=shutdown)


async def measure(targets: list[Target], rates: list[float], seconds: float) -> None:
    for target in targets:  # warm-up: code paths, connections, caches, each sender once
        await run_step(target, 20, 10)
        target.steps.clear()
    for rate in rates:
        for target in targets:
            if target.stopped_at is not None:
                continue
            step = await run_step(target, rate, seconds)
            print(f"  {target.name:<34} {rate:>5g} msg/s  {step.deliveries_per_s:>9,.0f} "
                  f"deliveries/s  p50 {report.ms(step.p50):>9}  p99 {report.ms(step.p99):>9}  "
                  f"{step.frames:,}/{step.expected:,}  server {step.server_cores:.2f} cores  "
                  f"client {step.client_cores:.2f} cores  post answered p50 "
                  f"{report.ms(step.answer_p50)}  load {os.getloadavg()[0]:.1f}"
                  f"{'  sender errors ' + str(step.errors) if step.errors else ''}",
                  flush=True)
            if step.exploded:  # stop it: a backlog still draining would slow the others
                target.stopped_at = rate
                target.shutdown()


def print_tables(targets: list[Target], rates: list[float], sockets: int) -> None:
    headers = ["msg/s"]
    for target in targets:
        headers += [f"{target.name}: deliveries/s", "p50", "p99", "delivered", "server cores"]
    rows = []
    for rate in rates:
        row: list[object] = [f"{rate:g}"]
        for target in targets:
            step = next((s for s in target.steps if s.rate == rate), None)
            row += step.cells() if step else ["stopped", "", "", "", ""]
        rows.append(row)
    print()
    print(report.table(headers, rows))
    raw = targets[0]
    ceiling = sustained(raw.steps)
    summary = []
    for target in targets:
        best = sustained(target.steps)
        at20 = next((s for s in target.steps if s.rate == 20), None)
        ratio = (best.deliveries_per_s / ceiling.deliveries_per_s
                 if best and ceiling else float("nan"))
        summary.append([target.name,
                        f"{best.deliveries_per_s:,.0f} (at {best.rate:g} msg/s)" if best else "–",
                        f"{ratio:.2f}",
                        report.ms(at20.p99) if at20 else "–",
                        f"{max((s.frame_bytes for s in target.steps), default=0):,} B"])
    print()
    print(report.table(["server", "sustained deliveries/s", f"vs {raw.name}",
                        f"p99 at 20 msg/s × {sockets:,}", "frame"], summary))
    print("\n(sustained: the best step where every delivery arrived with p99 under 1 s)")


async def session(atrium_target: Target, args: argparse.Namespace, rates: list[float],
                  root: Path, stack: list) -> None:
    """Everything that posts runs in one event loop (the senders keep their connections)."""
    probe = await run_step(atrium_target, 1, 2)
    atrium_target.steps.clear()
    frame = probe.frame_bytes
    targets = [start_baseline("rawapp.py", "raw ASGI", root, args.sockets, args.processes,
                              frame, args.scaled, stack)]
    if not args.scaled and not args.no_channels:
        targets.append(start_baseline("channelsapp.py", "stock Channels", root,
                                      args.sockets, args.processes, frame, False, stack))
    targets.append(atrium_target)
    print(f"frame: {frame} bytes; steps of {args.seconds:g} s", flush=True)
    await measure(targets, rates, args.seconds)
    stack.append(targets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 sockets, 3 s steps")
    parser.add_argument("--scaled", action="store_true",
                        help="two workers, PostgreSQL and Redis")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--rates", default="5,10,20,30,50,100")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=1, help="client processes per server")
    parser.add_argument("--no-channels", action="store_true",
                        help="skip the stock Channels baseline")
    args = parser.parse_args()
    if args.quick:
        args.sockets, args.seconds, args.rates = 100, 3.0, "5,20,50"
    rates = [float(r) for r in args.rates.split(",")]
    procs.raise_nofile(65_536)
    niceness = procs.prioritise()
    root = Path(tempfile.mkdtemp(prefix="atrium-bench-fanout-"))
    mode = "two workers, PostgreSQL + Redis" if args.scaled else "one worker, SQLite"
    print(f"Fan-out: {args.sockets:,} sockets in one channel, {mode}; {report.machine()}, "
          f"nice {niceness}", flush=True)
    stack: list = []
    server = None
    try:
        database_url = pg.recreate(DATABASE) if args.scaled else ""
        began = time.monotonic()
        server = atrium.start(root, args.sockets, workers=2 if args.scaled else 1,
                              database_url=database_url,
                              redis_url=REDIS_URL if args.scaled else "")
        route = atrium.choose_route(server)
        print(f"Atrium ready in {time.monotonic() - began:.1f} s; posting through {route}",
              flush=True)
        group = ClientGroup("wsclient.py", server.port, args.sockets, args.processes,
                            tokens=server.tokens_file, log=root / "atrium-cl.log")
        stack.append(group)
        ready = group.wait_ready()
        print(f"Atrium sockets: {sum(r['ready'] for r in ready):,} ready in "
              f"{max(r['seconds'] for r in ready):.1f} s", flush=True)
        workers = server.worker_pids()
        senders = server.tokens()[:200]
        atrium_target = Target("Atrium", group, Sender(server.port, server.post_path(),
                                                       tokens=senders),
                               server.worker_pids, args.sockets)
        asyncio.run(session(atrium_target, args, rates, root, stack))
        if args.scaled:
            print(f"sockets per worker (file descriptors): {sockets_per_process(workers)}")
        print_tables(stack[-1], rates, args.sockets)
    finally:
        for item in reversed(stack):
            if isinstance(item, ClientGroup):
                item.close()
            elif not isinstance(item, list):
                procs.stop(item)
        if server is not None:
            server.stop()
        if args.scaled:
            pg.drop(DATABASE)
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
