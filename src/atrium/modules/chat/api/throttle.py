"""How fast one person may post through the API.

A sliding window per person (not per token or address, so several tokens or devices share
one allowance): past `POSTS_PER_WINDOW` messages in `WINDOW_SECONDS` the API answers 429 with
the usual JSON error (`code: "throttled"`) and a `Retry-After` header. Other people are not
affected. The window is read from the person's own messages — one indexed query for the
newest `POSTS_PER_WINDOW` of them, no write — which every worker shares; it used to live in
the cache, whose database backend added a write transaction to every post (the embedded
default), competing with the post's own for SQLite's write lock.
"""

from __future__ import annotations

import threading
import time

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from atrium.modules.chat.models import Message

POSTS_PER_WINDOW = 30
WINDOW_SECONDS = 10
clock = time.time  # tests move time by hand


class PostThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user_id = getattr(getattr(request, "auth", None), "pk", None)
        if user_id is None:
            return True  # authentication refuses the request anyway
        recent = list(Message.objects.filter(author_id=user_id).order_by("-id")
                      .values_list("created_at", flat=True)[:POSTS_PER_WINDOW])
        if len(recent) < POSTS_PER_WINDOW:
            return True
        oldest = recent[-1].timestamp()
        now = clock()
        if oldest <= now - WINDOW_SECONDS:
            return True
        self._local.wait = max(1.0, oldest + WINDOW_SECONDS - now)
        return False

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


post_throttle: list[BaseThrottle] = [PostThrottle()]
