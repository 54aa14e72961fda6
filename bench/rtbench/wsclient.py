"""A lean websocket client process holding many sockets, driven over stdin/stdout.

    python bench/rtbench/wsclient.py --port P [--tokens FILE --start 0] --count 1000

Each socket speaks Atrium's protocol (the raw baseline answers the same frames): on `hello`
it sends `{"type": "resume", "last_id": null, "recent": []}` and counts as ready on
`caught_up`. Every text frame holding `T=<wall-clock seconds>` (the sender's stamp in the
message body) gives one latency sample: receipt time minus that stamp.

The client is written on asyncio's Protocol with its own frame parser (no compression
offered, so none is used), because the machine has two cores and the client shares them
with the server: a `websockets` connection costs several times more CPU per received frame.
Commands, one per line on stdin, each answered by one JSON line on stdout:
`status`, `mark` (start a new measurement), `report PATH` (latencies since the mark, in ms,
written to PATH as doubles), `close` (close every socket, no reconnect), `quit`.
With `--reconnect`, a lost socket comes back with the browser client's backoff: a first wait
of 0.5-1 s, doubled at each failure, at most 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import sys
import time
from array import array
from typing import Any

RESUME = b'{"type":"resume","last_id":null,"recent":[]}'
STAMP = b"T="
STAMP_LEN = 17  # f"{time.time():.6f}"


def mask_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, 0x80 | n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
    key = (mask * (n // 4 + 1))[:n]
    body = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
    return head + mask + body


class Conn(asyncio.Protocol):
    def __init__(self, pool: Pool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.transport: asyncio.Transport | None = None
        self.upgraded = False
        self.ready = False
        self.buf = b""
        self.done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {self.pool.path} HTTP/1.1", f"Host: 127.0.0.1:{self.pool.port}",
                 "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                 "Sec-WebSocket-Version: 13"]
        token = self.pool.token(self.index)
        if token:
            lines.append(f"Authorization: Bearer {token}")
        if self.pool.origin:
            lines.append(f"Origin: {self.pool.origin}")
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        if not self.upgraded:
            self.buf += data
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = self.buf[:end].split(b"\r\n", 1)[0]
            if b" 101 " not in status + b" ":
                self.pool.failed(status.decode(errors="replace"))
                self._finish(False)
                if self.transport:
                    self.transport.close()
                return
            self.upgraded = True
            data, self.buf = self.buf[end + 4:], b""
            if not data:
                return
        buf = self.buf + data if self.buf else data
        pos, n, now = 0, len(buf), time.time()
        while n - pos >= 2:
            b0, length = buf[pos], buf[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if n - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2:pos + 4], "big"), 4
            elif length == 127:
                if n - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2:pos + 10], "big"), 10
            if n - pos < head + length:
                break
            payload = buf[pos + head:pos + head + length]
            pos += head + length
            opcode = b0 & 0x0F
            if opcode in (1, 0):
                self.pool.on_text(self, payload, now)
            elif opcode == 9:
                self.send(0xA, payload)
            elif opcode == 8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                self.pool.closed_codes[code] = self.pool.closed_codes.get(code, 0) + 1
                self.send(0x8, payload[:2])
                if self.transport:
                    self.transport.close()
                break
        self.buf = buf[pos:]

    def send(self, opcode: int, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(mask_frame(opcode, payload))

    def on_ready(self) -> None:
        if not self.ready:
            self.ready = True
            self.pool.opened(self)
            self._finish(True)

    def _finish(self, ok: bool) -> None:
        if not self.done.done():
            self.done.set_result(ok)

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish(False)
        self.pool.lost(self)


class Pool:
    """Every socket of this process and what they received since the last mark."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.port, self.path, self.origin = args.port, args.path, args.origin
        self.count, self.start = args.count, args.start
        self.reconnect = args.reconnect
        self.tokens: list[str] = []
        if args.tokens:
            with open(args.tokens) as handle:
                self.tokens = [line.strip() for line in handle if line.strip()]
        self.conns: dict[int, Conn] = {}
        self.open = 0
        self.ever = 0
        self.failures: dict[str, int] = {}
        self.closed_codes: dict[int, int] = {}
        self.reconnects = 0
        self.closing = False
        self.attempts: dict[int, int] = {}
        self.last_open_at = 0.0
        self.reloads = 0
        self.mark()

    def token(self, index: int) -> str:
        if not self.tokens:
            return ""
        return self.tokens[(self.start + index) % len(self.tokens)]

    def mark(self) -> None:
        self.latencies = array("d")
        self.frames = 0
        self.bytes = 0
        self.max_len = 0
        self.first_recv = 0.0
        self.last_recv = 0.0

    # Events from the connections.

    def on_text(self, conn: Conn, payload: bytes, now: float) -> None:
        at = payload.find(STAMP)
        if at >= 0:
            self.latencies.append((now - float(payload[at + 2:at + 2 + STAMP_LEN])) * 1000)
            self.frames += 1
            self.bytes += len(payload)
            if len(payload) > self.max_len:
                self.max_len = len(payload)
            if not self.first_recv:
                self.first_recv = now
            self.last_recv = now
        elif b'"hello"' in payload:
            conn.send(0x1, RESUME)
        elif b'"caught_up"' in payload:
            conn.on_ready()
        elif b'"reload"' in payload or b'"resync"' in payload:
            self.reloads += 1
            conn.send(0x1, RESUME)

    def opened(self, conn: Conn) -> None:
        self.open += 1
        self.ever += 1
        self.attempts[conn.index] = 0
        self.last_open_at = time.time()

    def failed(self, status: str) -> None:
        self.failures[status] = self.failures.get(status, 0) + 1

    def lost(self, conn: Conn) -> None:
        if conn.ready:
            self.open -= 1
            conn.ready = False
        if self.conns.get(conn.index) is conn:
            del self.conns[conn.index]
            if self.reconnect and not self.closing:
                self.schedule(conn.index)

    # Connecting.

    def schedule(self, index: int) -> None:
        attempt = self.attempts.get(index, 0)
        self.attempts[index] = attempt + 1
        delay = min(10.0, random.uniform(0.5, 1.0) * 2 ** attempt)
        asyncio.get_running_loop().call_later(
            delay, lambda: asyncio.ensure_future(self.connect(index, again=True)))

    async def connect(self, index: int, again: bool = False) -> bool:
        if self.closing:
            return False
        loop = asyncio.get_running_loop()
        if again:
            self.reconnects += 1
        try:
            _transport, conn = await loop.create_connection(
                lambda: Conn(self, index), "127.0.0.1", self.port)
        except OSError as error:
            self.failed(type(error).__name__)
            if self.reconnect and not self.closing:
                self.schedule(index)
            return False
        self.conns[index] = conn
        try:
            return await asyncio.wait_for(asyncio.shield(conn.done), 60)
        except TimeoutError:
            self.failed("timeout")
            return False

    async def connect_all(self, parallel: int) -> None:
        gate = asyncio.Semaphore(parallel)

        async def one(index: int) -> None:
            async with gate:
                await self.connect(index)

        await asyncio.gather(*(one(i) for i in range(self.count)))

    def close_all(self) -> None:
        self.closing = True
        for conn in list(self.conns.values()):
            conn.send(0x8, (1000).to_bytes(2, "big"))
            if conn.transport:
                conn.transport.close()

    def status(self) -> dict[str, Any]:
        return {"open": self.open, "ever": self.ever, "failures": self.failures,
                "closed_codes": {str(k): v for k, v in self.closed_codes.items()},
                "reconnects": self.reconnects, "last_open_at": self.last_open_at,
                "reloads": self.reloads, "frames": self.frames}

    def report(self, path: str) -> dict[str, Any]:
        with open(path, "wb") as handle:
            self.latencies.tofile(handle)
        return {"count": len(self.latencies), "frames": self.frames, "bytes": self.bytes,
                "max_len": self.max_len, "first_recv": self.first_recv,
                "last_recv": self.last_recv}


async def control(pool: Any) -> None:
    """Answer the parent's commands until `quit` or the end of stdin."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = (await reader.readline()).decode().strip()
        if not line or line == "quit":
            break
        command, _sep, rest = line.partition(" ")
        if command == "status":
            answer: dict[str, Any] = pool.status()
        elif command == "mark":
            pool.mark()
            answer = {"ok": True}
        elif command == "report":
            answer = pool.report(rest)
        elif command == "close":
            pool.close_all()
            await asyncio.sleep(0.5)
            answer = {"ok": True}
        else:
            answer = {"error": f"unknown command {command!r}"}
        print(json.dumps(answer), flush=True)


async def main_async(args: argparse.Namespace) -> None:
    pool = Pool(args)
    started = time.monotonic()
    await pool.connect_all(args.parallel)
    print(json.dumps({"ready": pool.open, **pool.status(),
                      "seconds": round(time.monotonic() - started, 2)}), flush=True)
    await control(pool)
    pool.close_all()
    await asyncio.sleep(0.2)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/ws")
    parser.add_argument("--origin", default="")
    parser.add_argument("--tokens", default="")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=64)
    parser.add_argument("--reconnect", action="store_true")
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
