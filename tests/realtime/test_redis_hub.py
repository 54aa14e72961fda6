"""The Redis path of the real-time hub, in process against a real Redis (ATRIUM_TEST_REDIS_URL):
events cross through Redis, another instance on the same Redis is not heard, a lost
subscription is noticed, resubscribed and followed by a `resync` whose catch-up delivers what
was published meanwhile exactly once, and a publish that arrives after the catch-up read its
event is not delivered twice."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import TestCase
from redis.asyncio.client import PubSub

from atrium.kernel import events
from atrium.realtime import publish
from atrium.realtime.hub import current_hub
from tests.realtime.wsclient import Client, Tick, emit_committed, token_for

REDIS_URL = os.environ.get("ATRIUM_TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs ATRIUM_TEST_REDIS_URL")
run = async_to_sync


@pytest.fixture(autouse=True)
def through_redis(settings, monkeypatch):
    """Publish through the test Redis, on a channel of this test alone (other test runs may
    share the Redis server)."""
    settings.REDIS_URL = REDIS_URL
    monkeypatch.setattr(publish, "PREFIX", f"atrium-test-{uuid.uuid4().hex[:8]}")
    monkeypatch.setattr(publish, "_redis_client", None)
    yield
    if publish._redis_client is not None:
        publish._redis_client.close()


def own_redis_ports() -> set[int]:
    """Local ports of this process's TCP connections to the Redis port."""
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    redis_port = int(REDIS_URL.rsplit(":", 1)[1].split("/")[0])
    ports = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == redis_port and int(fields[9]) in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def own_subscriptions() -> list[str]:
    """Ids of this process's subscribed Redis connections (not other processes')."""
    ours = own_redis_ports()
    admin = redis.Redis.from_url(REDIS_URL)
    try:
        return [client["id"] for client in admin.client_list(_type="pubsub")
                if int(client["addr"].rsplit(":", 1)[1]) in ours]
    finally:
        admin.close()


def kill_own_subscriptions() -> int:
    admin = redis.Redis.from_url(REDIS_URL)
    try:
        return sum(admin.client_kill_filter(_id=ident) for ident in own_subscriptions())
    finally:
        admin.close()


async def close_hub() -> None:
    await current_hub().close()


def test_an_event_crosses_through_redis_and_another_instance_is_not_heard(world):
    token = token_for(world.member)

    async def scenario():
        client = Client.with_token(token)
        try:
            await client.connect()
            await client.until("caught_up")
            emitted = await emit_committed("space", world.space.pk, 1)
            assert [e["id"] for e in await client.events(1)] == [emitted]

            # Another worker of this instance publishes: delivered. Another instance on the
            # same Redis server (another database, so another namespace): not delivered.
            writer = redis.asyncio.Redis.from_url(REDIS_URL)
            envelope = publish.event_envelope(10**9, "space", world.space.pk, "test.tick",
                                              {"n": 2})
            stranger = f"{publish.PREFIX}:0123456789abcdef:events"
            assert stranger != publish.channel()
            assert await writer.publish(stranger, publish.dumps(envelope)) == 0
            assert await writer.publish(publish.channel(), publish.dumps(envelope)) == 1
            await writer.aclose()
            assert [e["id"] for e in await client.events(1)] == [10**9]
            assert await client.nothing()
        finally:
            await client.close()
            await close_hub()

    run(scenario)()


def test_a_lost_subscription_is_resynced_and_the_gap_caught_up_once(world, monkeypatch):
    token = token_for(world.member)
    gate: dict[str, asyncio.Event] = {}
    subscribe = PubSub.subscribe

    async def gated_subscribe(self, *args, **kwargs):
        # The test holds the hub's new subscription back until it has written. (A pubsub
        # with channels already is redis-py replaying them on its own reconnection.)
        if "open" in gate and not self.channels:
            await gate["open"].wait()
        return await subscribe(self, *args, **kwargs)

    monkeypatch.setattr(PubSub, "subscribe", gated_subscribe)

    async def scenario():
        hub = current_hub()
        client = Client.with_token(token)
        try:
            await client.connect()
            await client.until("caught_up")
            seen = await emit_committed("space", world.space.pk, 0)
            assert [e["id"] for e in await client.events(1)] == [seen]

            gate["open"] = asyncio.Event()
            assert await asyncio.to_thread(kill_own_subscriptions) == 1
            for _ in range(100):
                if not hub.ready.is_set():
                    break
                await asyncio.sleep(0.05)
            assert not hub.ready.is_set(), "the hub did not notice the lost subscription"
            during = [await emit_committed("space", world.space.pk, n) for n in (1, 2, 3)]
            assert await client.nothing()  # nobody listens: these wait in the database

            gate["open"].set()
            assert (await client.until("resync", timeout=10))["type"] == "resync"
            # Published live after the resubscription, before the client resumes: held, so
            # it comes once, with the catch-up, not also before it.
            after = await emit_committed("space", world.space.pk, 4)
            early = await client.drain(0.5)
            assert [f for f in early if f["type"] == "event"] == []
            await client.send({"type": "resume", "last_id": seen, "recent": [seen]})
            frames = []
            while (frame := await client.receive())["type"] != "caught_up":
                frames.append(frame)
            assert [f["id"] for f in frames if f["type"] == "event"] == [*during, after]
            assert frame["count"] == 4
            assert await client.nothing()

            live = await emit_committed("space", world.space.pk, 5)
            assert [e["id"] for e in await client.events(1)] == [live]
            # The lost connection was not left subscribed (unread, buffering in Redis).
            assert len(await asyncio.to_thread(own_subscriptions)) == 1
        finally:
            await client.close()
            await close_hub()

    run(scenario)()


@database_sync_to_async
def emit_unpublished(kind: str, audience_id: int, n: int) -> tuple[int, list]:
    """Commit an event and hand back its publish instead of running it (a slow publish)."""
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        record = events.emit(Tick(n=n), kind, audience_id)
    return record.pk, list(callbacks)


def test_a_publish_later_than_the_catch_up_is_not_delivered_twice(world):
    """The catch-up reads an event as soon as it is committed; its publish may reach the
    worker after the resuming socket's hold ended (seen with 100 sockets reconnecting)."""
    token = token_for(world.member)

    async def scenario():
        client = Client.with_token(token)
        try:
            await client.connect()
            await client.until("caught_up")
            seen = await emit_committed("space", world.space.pk, 0)
            assert [e["id"] for e in await client.events(1)] == [seen]
            await client.close()

            slow, publishes = await emit_unpublished("space", world.space.pk, 1)
            client = Client.with_token(token)
            await client.connect(resume=seen, recent=[seen])
            assert [e["id"] for e in await client.events(1)] == [slow]
            assert (await client.until("caught_up"))["count"] == 1
            await asyncio.to_thread(lambda: [publish() for publish in publishes])
            assert await client.nothing(0.5)
            live = await emit_committed("space", world.space.pk, 2)
            assert [e["id"] for e in await client.events(1)] == [live]
        finally:
            await client.close()
            await close_hub()

    run(scenario)()
