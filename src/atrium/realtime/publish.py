"""From the writer's thread to every worker's hub.

An envelope is built once per event: the frame a socket receives (`t`, already JSON) and the
routing fields around it. Without Redis the envelope goes straight to this process's hubs;
with `REDIS_URL` it is published once on one Redis channel that every worker's hub listens to,
so an event written anywhere reaches sockets held anywhere. Durability never depends on this
path: the event is already in `EventRecord`, and catch-up fills any gap.

Redis pub/sub ignores the database number, so two instances on one Redis server (staging and
production, two test runs) would hear each other's events and push them to their own sockets
following the same audience keys: the channel and Redis keys are named after the database
the workers of one instance share.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from django.conf import settings

PREFIX = "atrium"

_redis_lock = threading.Lock()
_redis_client: Any = None


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def event_envelope(event_id: int, kind: str, audience_id: int, event_type: str,
                   payload: Any) -> dict[str, Any]:
    audience = f"{kind}:{audience_id}"
    text = dumps({"type": "event", "id": event_id, "audience": audience, "event": event_type,
                  "payload": payload})
    return {"k": "event", "a": audience, "id": event_id, "e": event_type, "t": text}


def signal_envelope(audience: str, signal: str, payload: dict[str, Any]) -> dict[str, Any]:
    text = dumps({"type": "signal", "audience": audience, "signal": signal, "payload": payload})
    return {"k": "signal", "a": audience, "t": text}


def control_envelope(kind: str, audience_id: int, control: str) -> dict[str, Any]:
    return {"k": "control", "a": f"{kind}:{audience_id}", "c": control}


def redis_url() -> str:
    return getattr(settings, "REDIS_URL", "") or ""


def namespace() -> str:
    """`atrium:<digest of the database's location>`: shared by the workers of one instance."""
    database = settings.DATABASES["default"]
    where = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return f"{PREFIX}:{hashlib.sha256(where.encode()).hexdigest()[:16]}"


def channel() -> str:
    return f"{namespace()}:events"


def _client() -> Any:
    global _redis_client
    with _redis_lock:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(redis_url())
        return _redis_client


def publish(envelope: dict[str, Any]) -> None:
    """Send from synchronous code (an action's on-commit callback, a task)."""
    if redis_url():
        _client().publish(channel(), dumps(envelope))
        return
    from atrium.realtime.hub import deliver_threadsafe

    deliver_threadsafe(envelope)


async def apublish(envelope: dict[str, Any]) -> None:
    """Send from the event loop (ephemeral signals from a socket)."""
    if redis_url():
        from atrium.realtime.hub import current_hub

        await current_hub().redis_publish(dumps(envelope))
        return
    from atrium.realtime.hub import deliver_everywhere

    deliver_everywhere(envelope)
