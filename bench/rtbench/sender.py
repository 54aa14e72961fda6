"""An open-loop HTTP sender: posts a stamped message every 1/rate seconds over a few kept-alive
connections, whatever the server's answer time (a slow answer does not slow the schedule)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field


def stamped_body(number: int, size: int) -> str:
    """`T=<wall clock>` is what the clients read; the rest pads the message to `size`."""
    head = f"bench T={time.time():.6f} n={number} "
    filler = "lorem ipsum dolor sit amet " * (size // 27 + 1)
    return (head + filler)[:max(size, len(head))]


@dataclass
class SendResult:
    sent: int = 0
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    answer_ms: list[float] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


class HttpConnection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes,
                      headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                 f"Content-Length: {len(body)}", "Content-Type: application/json",
                 *(f"{k}: {v}" for k, v in headers.items())]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        for line in head.split(b"\r\n")[1:]:
            name, _sep, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            data = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
        else:
            data = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Sender:
    """Posts to `path` with `make_body(n)`; keeps up to `connections` requests in flight."""

    def __init__(self, port: int, path: str, headers: dict[str, str] | None = None,
                 connections: int = 8, body_chars: int = 160, method: str = "POST",
                 path_for: object = None, fields: dict | None = None,
                 tokens: list[str] | None = None) -> None:
        self.port, self.path, self.method = port, path, method
        self.headers = headers or {}
        self.body_chars = body_chars
        self.path_for = path_for
        self.fields = fields or {}
        # Posts rotate over these bearer tokens (several people posting, as in a busy channel;
        # Atrium also limits how fast one person may post).
        self.tokens = tokens or []
        self.pool: asyncio.Queue[HttpConnection] = asyncio.Queue()
        for _ in range(connections):
            self.pool.put_nowait(HttpConnection(port))
        self.number = 0

    def payload(self, number: int) -> bytes:
        return json.dumps({**self.fields, "body": stamped_body(number, self.body_chars)}
                          ).encode()

    async def post_one(self, result: SendResult) -> None:
        self.number += 1
        number = self.number
        connection = await self.pool.get()
        began = time.monotonic()
        try:
            path = self.path_for(number) if callable(self.path_for) else self.path
            headers = self.headers
            if self.tokens:
                token = self.tokens[number % len(self.tokens)]
                headers = {**headers, "Authorization": f"Bearer {token}"}
            payload = self.payload(number)
            try:
                status, data = await connection.request(self.method, path, payload, headers)
            except (ConnectionError, asyncio.IncompleteReadError):
                # The server closed this kept-alive connection while it was idle (uvicorn
                # does after 5 s): the request was not read; send it again on a new one.
                connection.close()
                connection.writer = None
                status, data = await connection.request(self.method, path, payload, headers)
            if 200 <= status < 300:
                result.ok += 1
            else:
                key = f"HTTP {status}: {data[:120].decode(errors='replace')}"
                result.errors[key] = result.errors.get(key, 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            connection.close()
            connection.writer = None
            key = type(error).__name__
            result.errors[key] = result.errors.get(key, 0) + 1
        finally:
            result.answer_ms.append((time.monotonic() - began) * 1000)
            self.pool.put_nowait(connection)

    async def run(self, rate: float, seconds: float) -> SendResult:
        """Send `rate` messages per second for `seconds`, then wait for the answers."""
        result = SendResult(started=time.time())
        total = max(1, round(rate * seconds))
        start = time.monotonic()
        tasks = []
        for i in range(total):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(self.post_one(result)))
            result.sent += 1
        await asyncio.gather(*tasks)
        result.finished = time.time()
        return result

    def close(self) -> None:
        while not self.pool.empty():
            self.pool.get_nowait().close()
