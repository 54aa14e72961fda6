"""Events of the notification centre, each to ("user", recipient id) only."""

from __future__ import annotations

from typing import ClassVar

from atrium.kernel.events import Event


class NotificationCreated(Event):
    """A new notification; title and excerpt are plain text (the recipient may read them)."""

    type: ClassVar[str] = "notification.created"
    notification_id: int
    kind: str
    title: str
    excerpt: str
    url: str
    unread: int


class NotificationsRead(Event):
    """Some (or all) notifications were marked read: other tabs update their badge."""

    type: ClassVar[str] = "notification.read"
    notification_ids: list[int]
    unread: int
