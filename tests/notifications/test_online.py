"""Who counts as online for the immediate e-mail: this process's sockets when embedded, the
shared Redis hashes of every worker when scaled (needs ATRIUM_TEST_REDIS_URL)."""

from __future__ import annotations

import os
import uuid

import pytest
from asgiref.sync import async_to_sync

from atrium.notifications.online import online_among
from atrium.realtime import publish
from atrium.realtime.presence import AWAY, ONLINE, Presence
from tests.notifications.helpers import online

REDIS_URL = os.environ.get("ATRIUM_TEST_REDIS_URL", "")


def test_embedded_reads_the_hubs_of_this_process(settings):
    """Only people with an "online" socket in a hub of this process count."""
    settings.REDIS_URL = ""

    class P:
        def __init__(self, pk):
            self.pk = pk

    assert online_among([1, 2]) == set()
    with online(P(1)):
        assert online_among([1, 2]) == {1}
    assert online_among([1, 2]) == set()


@pytest.mark.skipif(not REDIS_URL, reason="needs ATRIUM_TEST_REDIS_URL")
def test_scaled_reads_what_every_worker_wrote_to_redis(settings, monkeypatch):
    """A worker's presence written to Redis is read synchronously; away does not count."""
    settings.REDIS_URL = REDIS_URL
    monkeypatch.setattr(publish, "PREFIX", f"atrium-test-{uuid.uuid4().hex[:8]}")

    async def write() -> None:
        presence = Presence()
        await presence.update(10, 1, ONLINE)
        await presence.update(11, 2, AWAY)
        await presence.close()

    async_to_sync(write)()
    assert online_among([10, 11, 12]) == {10}


def test_redis_away_falls_back_to_this_process(settings):
    """An unreachable Redis is not an error: this process's own sockets answer."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    class P:
        pk = 5

    with online(P()):
        assert online_among([5, 6]) == {5}
