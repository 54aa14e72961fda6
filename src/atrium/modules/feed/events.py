"""Typed events of the feed, addressed to the space's audience ("space", id).

Payloads carry ids only: a live page fetches what its reader may see (a new-posts bar, a
poll's counts), so nothing of a post travels to a socket that may not read it.
"""

from __future__ import annotations

from typing import ClassVar

from atrium.kernel.events import Event


class PostCreated(Event):
    type: ClassVar[str] = "feed.post.created"
    post_id: int
    space_id: int


class PostChanged(Event):
    """Edited, pinned or unpinned, hidden or shown again."""

    type: ClassVar[str] = "feed.post.changed"
    post_id: int
    space_id: int


class PostDeleted(Event):
    type: ClassVar[str] = "feed.post.deleted"
    post_id: int
    space_id: int


class CommentAdded(Event):
    type: ClassVar[str] = "feed.comment.added"
    post_id: int
    comment_id: int
    space_id: int


class CommentChanged(Event):
    """Edited, deleted, hidden or shown again."""

    type: ClassVar[str] = "feed.comment.changed"
    post_id: int
    comment_id: int
    space_id: int


class ReactionsChanged(Event):
    type: ClassVar[str] = "feed.reactions"
    post_id: int
    comment_id: int | None = None
    space_id: int


class PollChanged(Event):
    type: ClassVar[str] = "feed.poll"
    post_id: int
    poll_id: int
    space_id: int


class Confirmed(Event):
    type: ClassVar[str] = "feed.confirmed"
    post_id: int
    user_id: int
    space_id: int


EVENT_TYPES = (PostCreated, PostChanged, PostDeleted, CommentAdded, CommentChanged,
               ReactionsChanged, PollChanged, Confirmed)
