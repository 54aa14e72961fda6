"""Writing frames to one socket without a task per frame.

The ASGI server's `send()` for a websocket frame almost never suspends: it waits only while
the peer's transport buffer is over its high-water mark. So a frame is written by stepping the
`send()` coroutine once, right where the event is delivered, as the raw broadcast loop would;
only when that step suspends (a slow reader) does the rest of the write move to a task, and
later frames queue behind it. A fan-out to a thousand sockets then costs a thousand direct
writes, not a thousand task wake-ups. A socket whose queue keeps growing is closed so that it
reconnects and catches up from the durable log.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

log = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]


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
