"""How fast one person may post and comment through the API.

As in the chat (`atrium.modules.chat.api.throttle`): a sliding window per person, read from
the person's own newest rows (one indexed query, no write), shared by all their tokens and
sessions and by every worker. Past the allowance the API answers 429 (`throttled`) with a
`Retry-After` header; other people are not affected.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Model
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from atrium.modules.feed.models import Comment, Post

POSTS_PER_WINDOW = 10
COMMENTS_PER_WINDOW = 30
WINDOW_SECONDS = 60
clock = time.time  # tests move time by hand


class AuthorThrottle(BaseThrottle):
    """At most `allowed` rows of `model` by the caller in `WINDOW_SECONDS`."""

    def __init__(self, model: type[Model], allowed: int) -> None:
        self.model = model
        self.allowed = allowed
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user_id = getattr(getattr(request, "auth", None), "pk", None)
        if user_id is None:
            return True  # authentication refuses the request anyway
        recent = list(self.model._default_manager.filter(author_id=user_id)
                      .order_by("-id").values_list("created_at", flat=True)[:self.allowed])
        if len(recent) < self.allowed:
            return True
        oldest = recent[-1].timestamp()
        now = clock()
        if oldest <= now - WINDOW_SECONDS:
            return True
        self._local.wait = max(1.0, oldest + WINDOW_SECONDS - now)
        return False

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


post_throttle: list[BaseThrottle] = [AuthorThrottle(Post, POSTS_PER_WINDOW)]
comment_throttle: list[BaseThrottle] = [AuthorThrottle(Comment, COMMENTS_PER_WINDOW)]
