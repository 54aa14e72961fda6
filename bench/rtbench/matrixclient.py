"""Matrix clients in one process: each long-polls `/sync` on its own kept-alive connection.

    python bench/rtbench/matrixclient.py --port P --tokens FILE --start 0 --count 500

Like wsclient.py (same commands on stdin): every `m.room.message` whose body holds
`T=<wall-clock seconds>` gives one latency sample. The filter asks for message events only,
members lazily loaded, and no presence, receipts or account data, so that each answer is
as small as Synapse can make it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from array import array
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rtbench.sender import HttpConnection
from rtbench.wsclient import STAMP, STAMP_LEN, control

FILTER = quote(json.dumps({
    "presence": {"types": []}, "account_data": {"types": []},
    "room": {"timeline": {"limit": 50, "types": ["m.room.message"]},
             "state": {"lazy_load_members": True, "types": []},
             "ephemeral": {"types": []}, "account_data": {"types": []}},
}, separators=(",", ":")))


class MatrixPool:
    def __init__(self, args: argparse.Namespace) -> None:
        self.port, self.count, self.start = args.port, args.count, args.start
        self.timeout_ms = args.sync_timeout_ms
        with open(args.tokens) as handle:
            self.tokens = [line.strip() for line in handle if line.strip()]
        self.open = 0
        self.ever = 0
        self.failures: dict[str, int] = {}
        self.limited = 0
        self.syncs = 0
        self.closing = False
        self.tasks: list[asyncio.Task[None]] = []
        self.ready_events: list[asyncio.Event] = []
        self.mark()

    def mark(self) -> None:
        self.latencies = array("d")
        self.frames = 0
        self.bytes = 0
        self.max_len = 0
        self.first_recv = 0.0
        self.last_recv = 0.0

    def fail(self, what: str) -> None:
        self.failures[what] = self.failures.get(what, 0) + 1

    def took(self, body: bytes, now: float) -> None:
        data = json.loads(body)
        for room in data.get("rooms", {}).get("join", {}).values():
            timeline = room.get("timeline", {})
            if timeline.get("limited") and self.open >= self.count:
                self.limited += 1
            for event in timeline.get("events", []):
                text = event.get("content", {}).get("body", "").encode()
                at = text.find(STAMP)
                if at < 0:
                    continue
                self.latencies.append((now - float(text[at + 2:at + 2 + STAMP_LEN])) * 1000)
                self.frames += 1
                self.bytes += len(body)
                self.max_len = max(self.max_len, len(body))
                if not self.first_recv:
                    self.first_recv = now
                self.last_recv = now

    async def client(self, index: int, ready: asyncio.Event, gate: asyncio.Semaphore) -> None:
        token = self.tokens[(self.start + index) % len(self.tokens)]
        headers = {"Authorization": f"Bearer {token}"}
        connection = HttpConnection(self.port)
        since = ""
        async with gate:  # the initial syncs, a few at a time
            while not since and not self.closing:
                try:
                    status, body = await connection.request(
                        "GET", f"/_matrix/client/v3/sync?timeout=0&filter={FILTER}", b"",
                        headers)
                    if status == 200:
                        since = json.loads(body)["next_batch"]
                    else:
                        self.fail(f"initial HTTP {status}")
                        await asyncio.sleep(1)
                except (OSError, asyncio.IncompleteReadError) as error:
                    self.fail(type(error).__name__)
                    connection = HttpConnection(self.port)
                    await asyncio.sleep(1)
        self.open += 1
        self.ever += 1
        ready.set()
        while not self.closing:
            path = (f"/_matrix/client/v3/sync?timeout={self.timeout_ms}&filter={FILTER}"
                    f"&since={quote(since)}")
            try:
                status, body = await connection.request("GET", path, b"", headers)
            except (OSError, asyncio.IncompleteReadError) as error:
                self.fail(type(error).__name__)
                connection = HttpConnection(self.port)
                await asyncio.sleep(0.5)
                continue
            now = time.time()
            self.syncs += 1
            if status != 200:
                self.fail(f"HTTP {status}")
                await asyncio.sleep(0.5)
                continue
            self.took(body, now)
            since = json.loads(body)["next_batch"]
        connection.close()

    async def start_all(self, parallel: int) -> None:
        gate = asyncio.Semaphore(parallel)
        for index in range(self.count):
            ready = asyncio.Event()
            self.ready_events.append(ready)
            self.tasks.append(asyncio.ensure_future(self.client(index, ready, gate)))
        await asyncio.gather(*(event.wait() for event in self.ready_events))

    def close_all(self) -> None:
        self.closing = True
        for task in self.tasks:
            task.cancel()

    def status(self) -> dict[str, Any]:
        return {"open": self.open, "ever": self.ever, "failures": self.failures,
                "closed_codes": {}, "reconnects": 0, "last_open_at": 0.0,
                "reloads": self.limited, "frames": self.frames, "syncs": self.syncs}

    def report(self, path: str) -> dict[str, Any]:
        with open(path, "wb") as handle:
            self.latencies.tofile(handle)
        return {"count": len(self.latencies), "frames": self.frames, "bytes": self.bytes,
                "max_len": self.max_len, "first_recv": self.first_recv,
                "last_recv": self.last_recv}


async def main_async(args: argparse.Namespace) -> None:
    pool = MatrixPool(args)
    started = time.monotonic()
    await pool.start_all(args.parallel)
    print(json.dumps({"ready": pool.open, **pool.status(),
                      "seconds": round(time.monotonic() - started, 2)}), flush=True)
    await control(pool)
    pool.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument("--sync-timeout-ms", type=int, default=30_000)
    args = parser.parse_args()
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
