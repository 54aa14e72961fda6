"""Writing frames to one socket without a task per frame.

The ASGI server's `send()` for a websocket frame almost never suspends: it waits only while
the peer's transport buffer is over its high-water mark. So a frame is written by stepping the
`send()` coroutine once, right where the event is delivered, as the raw broadcast loop would;
only when that step suspends (a slow reader) does the rest of the write move to a task, and
later frames queue behind it. A fan-out to a thousand sockets then costs a thousand direct
writes, not a thousand task wake-ups. A socket whose queue keeps growing is closed so that it
reconnects and catches up from the durable log.

Under uvicorn's websockets-sansio protocol (what `atrium serve` runs), a text frame going to
a thousand sockets is framed once: the hub keeps the frame's bytes with the event and the
writer hands them straight to each socket's transport, which is all uvicorn's `send()` would
do after framing the same text again for every socket (ADR 0003, measured in
docs/benchmarks.md). It does so only while that `send()` would write at once: handshake done,
no close sent, peer connected and its buffer under the high-water mark, no frame of ours
waiting; anything else goes through `send()`. A server-to-client frame is never masked, and a
message sent uncompressed is valid on a permessage-deflate connection (RFC 7692, 6.1).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

log = logging.getLogger(__name__)

try:
    from websockets.protocol import State

    _OPEN: Any = State.OPEN
except ImportError:  # pragma: no cover  (then no direct writes: nothing is OPEN)
    _OPEN = object()

Send = Callable[[dict[str, Any]], Awaitable[None]]


def text_frame(text: str) -> bytes:
    """One unfragmented, unmasked websocket text frame (RFC 6455, 5.2)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        head = bytes((0x81, size))
    elif size < 65_536:
        head = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return head + payload


def direct_protocol(send: Send) -> Any | None:
    """uvicorn's websockets-sansio protocol behind `send`, if that is what serves it."""
    protocol = getattr(send, "__self__", None)
    if type(protocol).__name__ != "WebSocketsSansIOProtocol":
        return None
    needed = ("transport", "conn", "writable", "handshake_complete", "close_sent",
              "disconnected", "initial_response")
    return protocol if all(hasattr(protocol, name) for name in needed) else None


class _Rest:
    """Awaits the remainder of a coroutine that was already stepped once and yielded `first`.

    It re-yields to the running task exactly what the coroutine yields, as `yield from` would,
    so the task waits on the same futures the coroutine waits on.
    """

    def __init__(self, coro: Coroutine[Any, Any, Any], first: Any) -> None:
        self.coro, self.first = coro, first

    def __await__(self) -> Generator[Any, Any, Any]:
        yielded = self.first
        while True:
            try:
                received = yield yielded
            except BaseException as exc:  # handed to the coroutine, like yield from
                try:
                    yielded = self.coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    yielded = self.coro.send(received)
                except StopIteration as stop:
                    return stop.value


class FrameWriter:
    """The outbound side of one socket: immediate writes, a queue behind a slow one."""

    def __init__(self, send: Send, max_queue: int, on_overflow: Callable[[], None]) -> None:
        self.send = send
        self.max_queue = max_queue
        self.on_overflow = on_overflow
        self.queue: deque[dict[str, Any]] = deque()
        self.busy = False
        self.broken = False
        self.task: asyncio.Task[None] | None = None
        self.protocol = direct_protocol(send)

    def write_text(self, text: str, wire: bytes | None = None) -> None:
        """A text frame; `wire` is `text_frame(text)` when the caller already has it."""
        protocol = self.protocol
        if (protocol is not None and not self.busy and not self.broken
                and protocol.handshake_complete and not protocol.close_sent
                and not protocol.disconnected and protocol.initial_response is None
                and protocol.writable.is_set() and protocol.conn.state is _OPEN
                and not protocol.transport.is_closing()):
            protocol.transport.write(wire if wire is not None else text_frame(text))
            return
        self.write({"type": "websocket.send", "text": text})

    def write(self, message: dict[str, Any]) -> None:
        if self.broken:
            return
        if self.busy:
            if len(self.queue) >= self.max_queue:
                self.on_overflow()
                return
            self.queue.append(message)
            return
        self._step(message)

    def write_last(self, message: dict[str, Any]) -> None:
        """A closing frame: drops what is still queued and goes out after the current write."""
        self.queue.clear()
        if self.busy:
            self.queue.append(message)
        else:
            self._step(message)

    def _step(self, message: dict[str, Any]) -> None:
        coro = self.send(message)
        try:
            first = coro.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return
        except Exception:  # the peer is gone; the reader will see it too
            self.broken = True
            return
        self.busy = True
        self.task = asyncio.get_running_loop().create_task(self._finish(coro, first))

    async def _finish(self, coro: Any, first: Any) -> None:
        try:
            await _Rest(coro, first)
            while self.queue:
                await self.send(self.queue.popleft())
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer is gone
            self.broken = True
        finally:
            self.busy = False

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
