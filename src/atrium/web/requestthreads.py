"""Long-lived threads for the synchronous part of HTTP requests.

Django's ASGI handler runs each request's views and middleware in a thread of its own,
started for that request and ended with it; the thread's database connection dies with it,
so every request paid for a new thread and a new connection (on SQLite, opening the file and
its PRAGMAs: about a tenth of a chat post, docs/benchmarks.md "Real time"). Here a request
runs on the least busy of a few long-lived single-thread executors, each keeping its
connection between requests (`CONN_MAX_AGE`), through asgiref's own
`ThreadSensitiveContext(executor=...)`. When every one of them is busy (long uploads or
downloads), a request gets a thread of its own as before, so nothing queues behind them.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext

ASGIApp = Any


class PooledRequestThreads:
    def __init__(self, app: ASGIApp, size: int | None = None) -> None:
        self.app = app
        self.size = size if size is not None else int(
            os.environ.get("ATRIUM_REQUEST_THREADS", "8"))
        self.executors = [ThreadPoolExecutor(max_workers=1,
                                             thread_name_prefix=f"atrium-request-{number}")
                          for number in range(self.size)]
        self.busy = [0] * self.size

    def _pick(self) -> int | None:
        """The first idle executor, or None when all are taken."""
        for number, load in enumerate(self.busy):
            if not load:
                return number
        return None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        number = self._pick() if scope["type"] == "http" else None
        if number is None:
            await self.app(scope, receive, send)
            return
        self.busy[number] += 1
        try:
            async with ThreadSensitiveContext(executor=self.executors[number]):
                await self.app(scope, receive, send)
        finally:
            self.busy[number] -= 1
