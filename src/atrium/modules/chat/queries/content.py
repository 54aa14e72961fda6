"""The chat's part in the content contract: recent messages for the feed, and export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import NoReverseMatch, reverse

from atrium.kernel.abilities import spaces_with_module_access
from atrium.kernel.models import Access, Space
from atrium.modules.chat.abilities import MODULE
from atrium.modules.chat.models import ChannelKind, Message
from atrium.modules.chat.queries.messages import MAIN_FLOW

EXCERPT = 120


@dataclass
class RecentMessage:
    """A message as the feed shows it: where, when, who, and a link."""

    message: Message

    @property
    def space(self) -> Space:
        space = self.message.channel.space
        assert space is not None
        return space

    @property
    def created_at(self) -> datetime:
        return self.message.created_at

    @property
    def author(self) -> Any:
        return self.message.author

    def __str__(self) -> str:
        text = " ".join(self.message.body.split())
        if len(text) > EXCERPT:
            text = text[:EXCERPT - 1] + "…"
        return f"#{self.message.channel.name}: {text}"

    def get_absolute_url(self) -> str:
        channel = self.message.channel
        try:
            url = reverse("chat:channel", kwargs={"space_slug": self.space.slug,
                                                  "channel_id": channel.pk})
        except NoReverseMatch:  # the chat's pages are not mounted
            return reverse("space", kwargs={"space_slug": self.space.slug})
        return f"{url}#message-{self.message.pk}"


def recent_messages(user: Any, limit: int) -> list[RecentMessage]:
    """The newest messages of public channels in the spaces where `user` reads the chat
    (private channels and direct conversations stay out of the feed)."""
    spaces = spaces_with_module_access(user, MODULE, Access.READ)
    if not spaces:
        return []
    messages = (Message.objects.filter(channel__space_id__in=spaces,
                                       channel__kind=ChannelKind.PUBLIC,
                                       deleted_at__isnull=True)
                .filter(MAIN_FLOW).select_related("author", "channel__space")
                .order_by("-id")[:max(0, int(limit))])
    return [RecentMessage(m) for m in messages]


def export_space(space: Space) -> Iterator[dict[str, Any]]:
    """Every message of the space's channels (public and private), as plain dicts."""
    messages = (Message.objects.filter(channel__space=space, deleted_at__isnull=True)
                .select_related("author", "channel").prefetch_related("attachments")
                .order_by("channel_id", "id"))
    for message in messages.iterator(chunk_size=1000):
        yield {
            "id": message.pk,
            "channel": message.channel.name,
            "channel_kind": message.channel.kind,
            "author": message.author.email if message.author else None,
            "sender_name": message.sender_name,
            "body": message.body,
            "created_at": message.created_at.isoformat(),
            "edited_at": message.edited_at.isoformat() if message.edited_at else None,
            "thread_root_id": message.thread_root_id,
            "attachments": [a.name for a in message.attachments.all()],
        }
