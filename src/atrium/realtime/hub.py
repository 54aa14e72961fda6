"""The per-process hub: which local sockets follow which audience, and delivery to them.

Delivery is the hot path of every real-time feature, so it stays in the event loop with no
database access and no thread hop: an envelope arrives (from this process or from Redis),
its frame text was serialised once by the writer, and each following socket gets that same
string appended to its own outbound queue. A slow socket only fills its own queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import weakref
from collections import defaultdict
from typing import Any, Protocol

from atrium.realtime import publish
from atrium.realtime.presence import Presence

log = logging.getLogger(__name__)


class Listener(Protocol):
    keys: set[str]

    def push(self, envelope: dict[str, Any]) -> None: ...

    def on_control(self, control: str) -> None: ...

    def resync(self) -> None: ...


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.followers: dict[str, set[Listener]] = defaultdict(set)
        self.listeners: set[Listener] = set()
        self.ready = asyncio.Event()
        self.delivered = 0
        self.presence = Presence()
        self._listen_task: asyncio.Task[None] | None = None
        self._async_redis: Any = None

    # Membership of audiences.

    def attach(self, listener: Listener, keys: set[str]) -> None:
        self.listeners.add(listener)
        self.update(listener, keys)
        self.ensure_started()

    def update(self, listener: Listener, keys: set[str]) -> None:
        for gone in listener.keys - keys:
            self._unfollow(gone, listener)
        for new in keys - listener.keys:
            self.followers[new].add(listener)
        listener.keys = set(keys)

    def detach(self, listener: Listener) -> None:
        for key in listener.keys:
            self._unfollow(key, listener)
        listener.keys = set()
        self.listeners.discard(listener)

    def _unfollow(self, key: str, listener: Listener) -> None:
        followers = self.followers.get(key)
        if followers is not None:
            followers.discard(listener)
            if not followers:
                del self.followers[key]

    def count(self, key: str) -> int:
        return len(self.followers.get(key, ()))

    # Delivery.

    def deliver(self, envelope: dict[str, Any]) -> None:
        followers = self.followers.get(envelope.get("a", ""))
        if not followers:
            return
        if envelope.get("k") == "control":
            control = envelope.get("c", "")
            for listener in list(followers):
                listener.on_control(control)
            return
        for listener in list(followers):
            listener.push(envelope)
        self.delivered += len(followers)

    # Cross-worker delivery through Redis.

    def ensure_started(self) -> None:
        if self._listen_task is not None:
            return
        if not publish.redis_url():
            self.ready.set()
            return
        self._listen_task = self.loop.create_task(self._listen())

    async def _listen(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(publish.redis_url())
        subscribed_before = False
        delay = 0.2
        while True:
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(publish.channel())
                self.ready.set()
                delay = 0.2
                if subscribed_before:
                    # Events published while we were not listening are in the database:
                    # every socket resumes from the last event it saw.
                    for listener in list(self.listeners):
                        listener.resync()
                subscribed_before = True
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.deliver(json.loads(message["data"]))
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()
                raise
            except Exception:  # any Redis failure: wait, then resubscribe
                log.warning("lost the Redis event channel; resubscribing", exc_info=True)
                self.ready.clear()
                # redis-py may have reconnected and resubscribed this one before raising:
                # closed, or it would stay subscribed, unread, with Redis buffering every event.
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def redis_publish(self, text: str) -> None:
        if self._async_redis is None:
            import redis.asyncio as aioredis

            self._async_redis = aioredis.Redis.from_url(publish.redis_url())
        await self._async_redis.publish(publish.channel(), text)

    async def close(self) -> None:
        """Stop listening and close this hub's Redis connections."""
        if self._listen_task is not None:
            self._listen_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listen_task
            self._listen_task = None
        await self.presence.close()
        if self._async_redis is not None:
            with contextlib.suppress(Exception):
                await self._async_redis.aclose()
            self._async_redis = None


# One hub per event loop (normally one per process; tests run several loops one after another).
_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def current_hub() -> Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(loop)
    return hub


def deliver_everywhere(envelope: dict[str, Any]) -> None:
    """From inside an event loop: deliver to this process's hubs."""
    running = asyncio.get_running_loop()
    for loop, hub in list(_hubs.items()):
        if loop is running:
            hub.deliver(envelope)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(hub.deliver, envelope)


def deliver_threadsafe(envelope: dict[str, Any]) -> None:
    """From any thread (an action's on-commit callback): deliver inside each hub's loop."""
    for loop, hub in list(_hubs.items()):
        if loop.is_closed():
            continue
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            hub.deliver(envelope)
        else:
            # A fresh context: the caller's (a request's worker thread) holds asgiref's
            # executor for that request, gone once it ends; a socket job started from this
            # delivery (a rights re-check) would otherwise fail in database_sync_to_async.
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(hub.deliver, envelope, context=contextvars.Context())
