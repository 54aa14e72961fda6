"""Who is online right now, asked synchronously (from a task or an on-commit callback).

Embedded (no Redis): the hubs of this process hold the sockets, so their presence tables are
read directly (the task worker runs in the same process). Scaled: every worker writes its
view into a Redis hash per person (`atrium.realtime.presence`), read here with a blocking
client. Only "online" counts: someone away from the keyboard gets the e-mail.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from atrium.realtime import publish
from atrium.realtime.presence import ONLINE

log = logging.getLogger(__name__)


def _local(ids: set[int]) -> set[int]:
    from atrium.realtime.hub import _hubs

    found = set()
    for hub in list(_hubs.values()):
        for pk in ids:
            if hub.presence.local_state(pk) == ONLINE:
                found.add(pk)
    return found


def _shared(ids: set[int]) -> set[int]:
    import redis

    client = redis.Redis.from_url(publish.redis_url())
    try:
        ordered = sorted(ids)
        pipe = client.pipeline(transaction=False)
        for pk in ordered:
            pipe.hgetall(f"{publish.namespace()}:presence:{pk}")
        now = time.time()
        found = set()
        for pk, fields in zip(ordered, pipe.execute(), strict=True):
            for raw in fields.values():
                state, _sep, expiry = raw.decode().partition("|")
                if state == ONLINE and float(expiry or 0) > now:
                    found.add(pk)
        return found
    finally:
        client.close()


def online_among(user_ids: Iterable[int]) -> set[int]:
    """The people among `user_ids` with at least one socket in the "online" state."""
    ids = set(user_ids)
    if not ids:
        return set()
    if publish.redis_url():
        try:
            return _shared(ids)
        except Exception:  # Redis away: this process's own sockets are the best guess
            log.warning("could not read presence from Redis", exc_info=True)
    return _local(ids)

