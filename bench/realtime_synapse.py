"""Peer: Matrix Synapse and Atrium, same clients in one room/channel, send-to-receive latency.

    .venv/bin/python bench/realtime_synapse.py            # 100, 250, 500, 1,000 clients
    .venv/bin/python bench/realtime_synapse.py --quick    # 50 clients, 10 messages

Synapse (PyPI, its own virtualenv bench/.synapse-venv, made on first run) listens on
127.0.0.1 with PostgreSQL, rate limits lifted, presence off; N people registered through the
shared-secret admin API join one public room, and each client long-polls `/sync` (filtered to
message events, lazy-loaded members) on its own kept-alive connection. Atrium runs one
worker on PostgreSQL too (no Redis), N people with API tokens in one channel, one socket each.
In one run, for each N (clients of both in one separate process), a sender posts
`--messages` stamped messages at `--rate` per second into each in turn, rotating over 20
senders; latency is receipt minus the sender's stamp. Client counts stop rising when
Synapse's p99 passes 5 s or it delivers less than 90% in time (it cannot hold that many).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rtbench import atrium, pg, procs, report, synapse
from rtbench.clients import ClientGroup
from rtbench.sender import Sender
from rtbench.steps import Step, Target, run_step

SYNAPSE_DB = "atrium_bench_synapse"
ATRIUM_DB = "atrium_bench_rt"


def settle(pids: list[int], idle_cores: float = 0.1, limit: float = 120.0) -> float:
    """Wait until these processes are nearly idle (Synapse finishes background work after
    registrations and joins); returns the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        before = sum(procs.cpu_seconds(pid) for pid in pids)
        time.sleep(2)
        if (sum(procs.cpu_seconds(pid) for pid in pids) - before) / 2 < idle_cores:
            break
    return time.monotonic() - began


def matrix_target(server: synapse.Synapse, tokens_file: Path, tokens: list[str], room: str,
                  count: int, processes: int, root: Path) -> Target:
    group = ClientGroup("matrixclient.py", server.port, count, processes, tokens=tokens_file,
                        log=root / f"matrix-{count}.log")
    group.wait_ready()
    base = f"/_matrix/client/v3/rooms/{quote(room)}/send/m.room.message/"
    stamp = time.time_ns()
    sender = Sender(server.port, "", method="PUT", fields={"msgtype": "m.text"},
                    tokens=tokens[:20], path_for=lambda n: f"{base}b{stamp}-{n}")
    return Target(f"Synapse {synapse.version().split()[0]}", group, sender,
                  lambda: [server.process.pid], count)


def atrium_target(server: atrium.Atrium, count: int, processes: int, root: Path) -> Target:
    group = ClientGroup("wsclient.py", server.port, count, processes,
                        tokens=server.tokens_file, log=root / f"atrium-{count}.log")
    group.wait_ready()
    sender = Sender(server.port, server.post_path(), tokens=server.tokens()[:20])
    return Target("Atrium", group, sender, server.worker_pids, count)


def row(count: int, name: str, step: Step) -> list[object]:
    share = step.frames / step.expected if step.expected else 0.0
    return [f"{count:,}", name, report.ms(step.p50), report.ms(step.p99), report.ms(step.worst),
            f"{share:.1%}", f"{step.server_cores:.2f}"]


async def session(args: argparse.Namespace, counts: list[int], syn: synapse.Synapse,
                  syn_tokens: Path, room: str, server: atrium.Atrium, root: Path
                  ) -> list[list[object]]:
    rows: list[list[object]] = []
    tokens = [t for t in syn_tokens.read_text().splitlines() if t]
    seconds = args.messages / args.rate
    for count in counts:
        peer = matrix_target(syn, syn_tokens, tokens, room, count, args.processes, root)
        ours = atrium_target(server, count, args.processes, root)
        try:
            settle([syn.process.pid])
            for target in (peer, ours):  # warm-up
                await run_step(target, 1, 2, drain_limit=30)
            results = {}
            for target in (peer, ours):
                results[target.name] = step = await run_step(target, args.rate, seconds,
                                                             drain_limit=90)
                print(f"  {count:>5,} clients  {target.name:<16} p50 {report.ms(step.p50):>9}"
                      f"  p99 {report.ms(step.p99):>9}  {step.frames:,}/{step.expected:,}"
                      f"  server {step.server_cores:.2f} cores", flush=True)
                rows.append(row(count, target.name, step))
            peer_step, our_step = results[peer.name], results[ours.name]
            rows.append([f"{count:,}", "**Atrium p99 / Synapse p99**",
                         "", f"**{our_step.p99 / peer_step.p99:.3f}**", "", "", ""])
        finally:
            peer.group.close()
            ours.group.close()
        if peer_step.exploded:
            print(f"Synapse cannot hold {count:,} clients at {args.rate:g} msg/s here; "
                  "stopping", flush=True)
            break
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 clients, 10 messages")
    parser.add_argument("--clients", default="100,250,500,1000")
    parser.add_argument("--rate", type=float, default=1.0, help="messages per second")
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.clients, args.messages = "50", 10
    counts = [int(c) for c in args.clients.split(",")]
    most = max(counts)
    procs.raise_nofile(65_536)
    niceness = procs.prioritise()
    root = Path(tempfile.mkdtemp(prefix="atrium-bench-synapse-"))
    print(f"Peer: Synapse vs Atrium, {args.rate:g} msg/s, {args.messages} messages per "
          f"step; {report.machine()}, nice {niceness}", flush=True)
    syn = server = None
    try:
        began = time.monotonic()
        syn = synapse.start(root / "synapse",
                            pg.args_of(pg.recreate(SYNAPSE_DB, c_collation=True)))
        tokens, room, timings = asyncio.run(synapse.populate(syn.port, most))
        syn_tokens = root / "synapse-tokens.txt"
        syn_tokens.write_text("\n".join(tokens) + "\n")
        print(f"Synapse {synapse.version()} ready in {time.monotonic() - began:.0f} s "
              f"(registering {most:,}: {timings['register']:.0f} s, joining: "
              f"{timings['join']:.0f} s)", flush=True)
        server = atrium.start(root, most, database_url=pg.recreate(ATRIUM_DB))
        route = atrium.choose_route(server)
        print(f"Atrium ready; posting through {route}", flush=True)
        rows = asyncio.run(session(args, counts, syn, syn_tokens, room, server, root))
        print()
        print(report.table(["clients", "server", "p50", "p99", "worst", "delivered",
                            "server cores"], rows))
    finally:
        if syn is not None:
            syn.stop()
        if server is not None:
            server.stop()
        for name in (SYNAPSE_DB, ATRIUM_DB):
            try:
                pg.drop(name)
            except Exception as error:
                print(f"could not drop {name}: {error}", file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
