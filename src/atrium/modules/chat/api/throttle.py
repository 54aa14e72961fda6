"""How fast one person may post through the API.

A sliding window per person, keyed by the person's id (not by token or address, so several
tokens or devices share one allowance): past `POSTS_PER_WINDOW` messages in `WINDOW_SECONDS`
the API answers 429 with the usual JSON error (`code: "throttled"`) and a `Retry-After`
header. Other people are not affected. The window lives in the default cache, which every
worker shares (the database cache when embedded, Redis when scaled).
"""

from __future__ import annotations

import threading
import time

from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

POSTS_PER_WINDOW = 30
WINDOW_SECONDS = 10
clock = time.time  # tests move time by hand


def cache_key(user_id: int) -> str:
    return f"chat:post-throttle:{user_id}"


class PostThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if getattr(user, "pk", None) is None:
            return True  # authentication refuses the request anyway
        key = cache_key(user.pk)  # type: ignore[union-attr]
        now = clock()
        history = [t for t in cache.get(key, []) if t > now - WINDOW_SECONDS]
        if len(history) >= POSTS_PER_WINDOW:
            self._local.wait = max(1.0, history[0] + WINDOW_SECONDS - now)
            return False
        history.append(now)
        cache.set(key, history, WINDOW_SECONDS)
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


post_throttle: list[BaseThrottle] = [PostThrottle()]
