"""Requests' synchronous parts run on a few long-lived threads; a request never waits behind a
busy one (it gets a thread of its own when all are taken); websockets are left alone."""

from __future__ import annotations

import asyncio
import threading

from asgiref.sync import sync_to_async

from atrium.web.requestthreads import PooledRequestThreads


class App:
    """Records the thread its synchronous part ran on; `hold` keeps a request busy."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.hold: asyncio.Event | None = None

    async def __call__(self, scope, receive, send) -> None:
        await sync_to_async(self._work, thread_sensitive=True)()
        if self.hold is not None and scope.get("hold"):
            await self.hold.wait()
        await sync_to_async(self._work, thread_sensitive=True)()

    def _work(self) -> None:
        self.threads.append(threading.get_ident())


def call(pool: PooledRequestThreads, **scope) -> asyncio.Future:
    return asyncio.ensure_future(pool({"type": "http", **scope}, None, None))


def test_requests_one_after_another_reuse_one_thread():
    async def scenario():
        app = App()
        pool = PooledRequestThreads(app, size=3)
        for _ in range(5):
            await call(pool)
        return app.threads

    threads = asyncio.run(scenario())
    assert len(threads) == 10
    assert len(set(threads)) == 1
    assert threads[0] != threading.get_ident()


def test_a_busy_thread_is_skipped_and_a_full_pool_starts_a_thread_of_its_own():
    async def scenario():
        app = App()
        app.hold = asyncio.Event()
        pool = PooledRequestThreads(app, size=2)
        held = [call(pool, hold=True), call(pool, hold=True)]
        await asyncio.sleep(0.2)
        assert pool.busy == [1, 1]
        pooled = set(app.threads)
        app.threads.clear()
        await asyncio.wait_for(call(pool), 5)  # does not wait for the held ones
        extra = set(app.threads)
        app.hold.set()
        await asyncio.gather(*held)
        assert pool.busy == [0, 0]
        app.threads.clear()
        await call(pool)
        return pooled, extra, set(app.threads)

    pooled, extra, after = asyncio.run(scenario())
    assert len(pooled) == 2
    assert not extra & pooled
    assert after <= pooled


def test_websockets_do_not_take_a_request_thread():
    async def scenario():
        app = App()
        pool = PooledRequestThreads(app, size=1)
        await pool({"type": "websocket"}, None, None)
        return pool.busy

    assert asyncio.run(scenario()) == [0]
