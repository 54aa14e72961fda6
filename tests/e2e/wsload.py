"""A lean client of Atrium's `/ws` protocol for the real-time reliability tests, on the
`websockets` package (asyncio), plus raw frames for hostile input and a way to run Django code
against a running server's database.

`servers` starts real `atrium serve` processes on one database; `Writer` changes a space
through the HTTP API, which emits one event each time.

`Follower` behaves like the browser module (`realtime.js`): it keeps the ids it received,
reconnects with jittered exponential backoff (trying the next address when one refuses, as a
load balancer would), and resumes with its last id and the highest ids it received. Unlike the
browser it does NOT drop duplicates: it records them, so a test can count them.

Run `python -m tests.e2e.wsload flood <http-url> <token> <seconds> <frames/s>` to flood a
server from another process (its result is one JSON line).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.client
import itertools
import json
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from tests.e2e.server import (
    Server,
    atrium_command,
    clean_environment,
    start_server,
    temporary_postgres,
)

REPO = Path(__file__).resolve().parents[2]
RECENT = 200  # ids sent with `resume`: the highest received (fits the server's frame limit)
BACKOFF_BASE = 0.1
BACKOFF_CAP = 2.0
OPEN_TIMEOUT = 10.0


def ws_url(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http") + "/ws"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def django_json(env: dict[str, str], code: str, timeout: float = 120.0) -> Any:
    """Run `code` with `atrium manage shell -c` in a server's environment (same database,
    same data folder); the code prints one JSON value on its last line of output."""
    environment = {**env, "PYTHONPATH": os.pathsep.join(
        [str(REPO), *filter(None, [env.get("PYTHONPATH", "")])])}
    done = subprocess.run([*atrium_command(), "manage", "shell", "-c", code], env=environment,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"atrium manage shell failed ({done.returncode}):\n"
                           f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass(eq=False)
class Follower:
    """One client following its audiences across disconnections."""

    token: str
    urls: list[str]
    home: int = 0
    received: list[int] = field(default_factory=list)  # event ids, in arrival order
    seen: set[int] = field(default_factory=set)
    duplicates: list[int] = field(default_factory=list)
    last_id: int | None = None
    connections: int = 0
    failed_attempts: int = 0
    reloads: int = 0
    resyncs: int = 0
    caught_up_at: list[float] = field(default_factory=list)
    caught_up_after: list[int] = field(default_factory=list)  # events received by then
    close_codes: list[int | None] = field(default_factory=list)
    served_by: str | None = None
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.live = asyncio.Event()  # connected and caught up

    def resume_frame(self) -> str:
        recent = sorted(self.seen)[-RECENT:]  # the highest: every id above the lowest is there
        return json.dumps({"type": "resume", "last_id": self.last_id, "recent": recent})

    def on_event(self, event_id: int) -> None:
        if event_id in self.seen:
            self.duplicates.append(event_id)
        self.received.append(event_id)
        self.seen.add(event_id)
        if self.last_id is None or event_id > self.last_id:
            self.last_id = event_id

    async def handle(self, ws: ClientConnection, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "hello":
            if self.last_id is None:  # a page's first load: from the server's latest event
                self.last_id = message["last_id"]
            await ws.send(self.resume_frame())
        elif kind == "event":
            self.on_event(message["id"])
        elif kind == "caught_up":
            self.caught_up_at.append(time.monotonic())
            self.caught_up_after.append(len(self.received))
            self.live.set()
        elif kind == "resync":
            self.resyncs += 1
            await ws.send(self.resume_frame())
        elif kind == "reload":
            self.reloads += 1

    async def session(self, url: str) -> None:
        async with connect(url, additional_headers=bearer(self.token), open_timeout=OPEN_TIMEOUT,
                           close_timeout=1, ping_interval=None, max_size=None) as ws:
            self.connections += 1
            self.served_by = url
            try:
                async for raw in ws:
                    await self.handle(ws, json.loads(raw))
            finally:
                self.live.clear()
                self.close_codes.append(ws.close_code)

    async def run(self) -> None:
        """Stay connected until cancelled."""
        index, attempt = self.home, 0
        while True:
            url = self.urls[index % len(self.urls)]
            connected_before = self.connections
            try:
                await self.session(url)
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError) as error:
                self.errors.append(f"{url}: {error!r}")
            if self.connections == connected_before:  # refused: try the next address
                self.failed_attempts += 1
                index += 1
                attempt += 1
            else:
                attempt = 0 if self.caught_up_at else attempt + 1
            await asyncio.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)))


@contextlib.contextmanager
def servers(count: int, database_url: str = "",
            redis_url: str = "") -> Iterator[tuple[list[Server], dict[str, str]]]:
    """`count` servers on one data folder, one fresh database and one Redis; and the
    environment that reaches the same database. The first one has migrated the database when
    this yields; the others may still be starting (see `wait_healthy`)."""
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="atrium-rt-")))
        extra = {"REDIS_URL": redis_url} if redis_url else {}
        if database_url:
            extra["DATABASE_URL"] = stack.enter_context(temporary_postgres(database_url))
            # As docs/configuration.md advises on PostgreSQL: without it each database hop
            # of a socket opens a new connection (see tests/e2e/test_realtime_reliability.py).
            extra["ATRIUM_DB_CONN_MAX_AGE"] = "60"
        env = {**clean_environment(**extra), "ATRIUM_DATA_DIR": str(root / "data")}
        started: list[Server] = []
        try:
            started.append(start_server(root / "data", env=env))  # it migrates
            for _ in range(count - 1):
                started.append(start_server(root / "data", env=env, wait=False))
            yield started, env
        finally:
            for server in started:
                server.stop()


class Writer:
    """Changes a space's description through the HTTP API (each change emits `space.changed`
    to the space). Blocking: run it in a thread."""

    counter = itertools.count()

    def __init__(self, url: str, token: str, space_id: int) -> None:
        self.url, self.token, self.space_id = url, token, space_id
        self.written = 0

    @contextlib.contextmanager
    def connection(self) -> Iterator[http.client.HTTPConnection]:
        host, port = self.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            yield connection
        finally:
            connection.close()

    def patch(self, connection: http.client.HTTPConnection, space_id: int) -> None:
        connection.request("PATCH", f"/api/v1/spaces/{space_id}",
                           body=json.dumps({"description": f"tick {next(self.counter)}"}),
                           headers={"Authorization": f"Bearer {self.token}",
                                    "Content-Type": "application/json"})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body[:500]
        if space_id == self.space_id:
            self.written += 1

    def stream(self, seconds: float, every: float = 0.02) -> None:
        """One change every `every` seconds (after the previous one answered)."""
        deadline = time.monotonic() + seconds
        with self.connection() as connection:
            while time.monotonic() < deadline:
                self.patch(connection, self.space_id)
                time.sleep(every)

    def burst(self, count: int, space_id: int | None = None) -> None:
        """`count` changes one after the other (to another space when asked)."""
        with self.connection() as connection:
            for _ in range(count):
                self.patch(connection, space_id or self.space_id)


async def ping_rtts(url: str, token: str, count: int, interval: float) -> list[float]:
    """Round trips of `ping` → `pong` (within the server's rate limit), in seconds."""
    rtts = []
    async with connect(url, additional_headers=bearer(token), open_timeout=OPEN_TIMEOUT,
                       ping_interval=None) as ws:
        await ws.send(json.dumps({"type": "resume", "last_id": None}))
        while json.loads(await ws.recv())["type"] != "caught_up":
            pass
        for _ in range(count):
            started = time.perf_counter()
            await ws.send('{"type":"ping"}')
            while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "pong":
                pass
            rtts.append(time.perf_counter() - started)
            await asyncio.sleep(interval)
    return rtts


async def flood(url: str, token: str, seconds: float, rate: float) -> dict[str, Any]:
    """Send `rate` frames a second (in bursts of 20); reconnect whenever closed."""
    stats: dict[str, Any] = {"sent": 0, "connections": 0, "throttled": 0, "close_codes": []}
    started = time.monotonic()
    deadline = started + seconds

    async def read(ws: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in ws:
                if json.loads(raw).get("code") == "throttled":
                    stats["throttled"] += 1

    while time.monotonic() < deadline:
        try:
            async with connect(url, additional_headers=bearer(token),
                               open_timeout=OPEN_TIMEOUT, close_timeout=1,
                               ping_interval=None) as ws:
                stats["connections"] += 1
                reader = asyncio.create_task(read(ws))
                with contextlib.suppress(ConnectionClosed):
                    while time.monotonic() < deadline and not reader.done():
                        for _ in range(20):
                            await ws.send('{"type":"ping"}')
                        stats["sent"] += 20
                        ahead = started + stats["sent"] / rate - time.monotonic()
                        await asyncio.sleep(max(0.0, ahead))
                await ws.close()
                await reader
                stats["close_codes"].append(ws.close_code)
        except (OSError, InvalidStatus, TimeoutError):
            await asyncio.sleep(0.05)
    stats["seconds"] = time.monotonic() - started
    return stats


# Raw frames, for what a well-behaved library refuses to send.

OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING = 0x1, 0x2, 0x8, 0x9


def raw_connect(http_url: str, token: str, timeout: float = 10.0) -> socket.socket:
    """An upgraded TCP connection, after the server's `hello` frame was read."""
    host, port = http_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"closed during the handshake: {head!r}")
        head += chunk
    status = head.split(b"\r\n", 1)[0]
    if b" 101 " not in status:
        raise ConnectionError(f"no upgrade: {status!r}")
    rest = head.split(b"\r\n\r\n", 1)[1]
    opcode, payload, _rest = read_frame(sock, rest)
    assert opcode == OP_TEXT and json.loads(payload)["type"] == "hello", payload
    return sock


def frame_bytes(opcode: int, payload: bytes, *, fin: bool = True, rsv: int = 0,
                declared_length: int | None = None) -> bytes:
    """A masked client frame; `declared_length` lies about the payload's length."""
    length = len(payload) if declared_length is None else declared_length
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    mask = os.urandom(4)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _exactly(sock: socket.socket, buffer: bytes, size: int) -> tuple[bytes, bytes]:
    while len(buffer) < size:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    return buffer[:size], buffer[size:]


def read_frame(sock: socket.socket, buffer: bytes = b"") -> tuple[int, bytes, bytes]:
    """(opcode, payload, what was read beyond it) of one unmasked server frame."""
    head, buffer = _exactly(sock, buffer, 2)
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        raw, buffer = _exactly(sock, buffer, 2)
        length = struct.unpack("!H", raw)[0]
    elif length == 127:
        raw, buffer = _exactly(sock, buffer, 8)
        length = struct.unpack("!Q", raw)[0]
    payload, buffer = _exactly(sock, buffer, length)
    return opcode, payload, buffer


def read_texts(sock: socket.socket, until: str | None = None,
               timeout: float = 5.0) -> tuple[list[Any], int | None]:
    """Text frames (decoded) up to one of type `until` (included) or the server's close;
    returns them and the close code (None when no close frame came)."""
    sock.settimeout(timeout)
    texts: list[Any] = []
    buffer = b""
    try:
        while True:
            opcode, payload, buffer = read_frame(sock, buffer)
            if opcode == OP_CLOSE:
                return texts, struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
            if opcode == OP_TEXT:
                texts.append(json.loads(payload))
                if texts[-1].get("type") == until:
                    return texts, None
    except (ConnectionError, OSError):
        return texts, None


def run_async(awaitable: Any) -> Any:
    """`asyncio.run` in a thread of its own: in the full suite, Playwright's sync API keeps an
    event loop running in the main thread, where `asyncio.run` refuses to start."""
    import concurrent.futures

    async def wrapper() -> Any:
        return await awaitable

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, wrapper()).result()


def main(argv: list[str]) -> int:
    if len(argv) == 5 and argv[0] == "flood":
        _command, url, token, seconds, rate = argv
        stats = asyncio.run(flood(ws_url(url), token, float(seconds), float(rate)))
        print(json.dumps(stats), flush=True)
        return 0
    print("usage: python -m tests.e2e.wsload flood <http-url> <token> <seconds> <frames/s>",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
