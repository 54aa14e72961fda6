"""Presence: online, away or offline, from the sockets people hold. Not stored in the database.

Each worker knows its own sockets. With Redis, each worker also writes its view of a person
into a shared hash (one field per worker, with an expiry it refreshes), so a worker killed
without warning stops counting within `TTL` seconds, and every worker answers the same.
Changes are sent as `presence` signals to the audience ("presence", person id), which pages
follow for the people they show.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict
from typing import Any

from atrium.realtime import publish

log = logging.getLogger(__name__)

ONLINE, AWAY, OFFLINE = "online", "away", "offline"
CLIENT_STATES = (ONLINE, AWAY)
TTL = 90
HEARTBEAT = 30


def best(states: list[str]) -> str:
    if ONLINE in states:
        return ONLINE
    return AWAY if AWAY in states else OFFLINE


class Presence:
    def __init__(self) -> None:
        self.worker = uuid.uuid4().hex[:12]
        self.local: dict[int, dict[int, str]] = defaultdict(dict)  # user → socket id → state
        self._redis: Any = None
        self._heartbeat: asyncio.Task[None] | None = None

    def local_state(self, user_id: int) -> str:
        return best(list(self.local.get(user_id, {}).values()))

    async def update(self, user_id: int, socket_id: int, state: str | None) -> None:
        """Set (or with None, forget) one socket's state and tell followers if it changed."""
        before = await self.state_of(user_id)
        sockets = self.local[user_id]
        if state is None:
            sockets.pop(socket_id, None)
            if not sockets:
                del self.local[user_id]
        else:
            sockets[socket_id] = state
        if publish.redis_url():
            await self._write_shared(user_id)
        after = await self.state_of(user_id)
        if after != before:
            await publish.apublish(publish.signal_envelope(
                f"presence:{user_id}", "presence", {"user_id": user_id, "state": after}))

    async def state_of(self, user_id: int) -> str:
        if not publish.redis_url():
            return self.local_state(user_id)
        try:
            fields = await self._client().hgetall(self._key(user_id))
        except Exception:  # Redis away: this worker's own view is the best guess
            return self.local_state(user_id)
        now = time.time()
        states = []
        for raw in fields.values():
            state, _, expiry = raw.decode().partition("|")
            if float(expiry or 0) > now:
                states.append(state)
        return best(states)

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as aioredis

            self._redis = aioredis.Redis.from_url(publish.redis_url())
            self._heartbeat = asyncio.get_running_loop().create_task(self._beat())
        return self._redis

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.aclose()
            self._redis = None

    @staticmethod
    def _key(user_id: int) -> str:
        return f"{publish.namespace()}:presence:{user_id}"

    async def _write_shared(self, user_id: int) -> None:
        state = self.local_state(user_id)
        key = self._key(user_id)
        try:
            client = self._client()
            if state == OFFLINE:
                await client.hdel(key, self.worker)
            else:
                await client.hset(key, self.worker, f"{state}|{time.time() + TTL}")
                await client.expire(key, TTL)
        except Exception:  # presence is best effort; the socket keeps working
            log.warning("could not write presence to Redis", exc_info=True)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            with contextlib.suppress(Exception):
                async with self._client().pipeline(transaction=False) as pipe:
                    expiry = time.time() + TTL
                    for user_id in list(self.local):
                        key = self._key(user_id)
                        pipe.hset(key, self.worker, f"{self.local_state(user_id)}|{expiry}")
                        pipe.expire(key, TTL)
                    await pipe.execute()
