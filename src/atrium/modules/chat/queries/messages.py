"""Reads of messages, always restricted to what the person may read now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from atrium.kernel.abilities import abilities, is_active_user
from atrium.kernel.errors import NotFound
from atrium.modules.chat.abilities import readable_channel_ids
from atrium.modules.chat.models import Channel, ChannelKind, ChannelMember, Message

MAX_PAGE = 200
MAX_THREAD = 1000
MAX_PINS = 100
MAIN_FLOW = Q(thread_root__isnull=True) | Q(also_in_channel=True)


def access_channel(user: Any, channel_id: int, ability: str = "view") -> Channel:
    """The channel if `user` has this ability on it; else NotFound, missing or not."""
    channel = Channel.objects.select_related("space").filter(pk=channel_id).first()
    if channel is None or not abilities(user, channel).get(ability, False):
        raise NotFound("channel")
    return channel


def access_message(user: Any, message_id: int, ability: str = "view") -> Message:
    """The message (with its channel and author) if `user` has this ability on it."""
    message = (Message.objects.select_related("channel__space", "author")
               .filter(pk=message_id).first())
    if message is None or not abilities(user, message).get(ability, False):
        raise NotFound("message")
    return message


def with_details(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Everything `message_payload` reads, in a constant number of queries."""
    return messages.select_related("author").prefetch_related("reactions", "attachments",
                                                              "mentions")


def _require_view(user: Any, channel: Channel) -> None:
    if not abilities(user, channel)["view"]:
        raise NotFound("channel")


@dataclass
class Page:
    """Messages of the main flow, oldest first, and whether more exist on either side."""

    messages: list[Message]
    has_older: bool
    has_newer: bool


def history(user: Any, channel: Channel, *, before: int | None = None,
            after: int | None = None, limit: int = 50) -> Page:
    """A page of the channel's main flow (messages and replies also shown in the channel).

    No cursor: the newest `limit`. `before=id`: the `limit` messages just before it (scrolling
    up). `after=id` alone: the `limit` messages just after it (catching up, oldest first).
    """
    _require_view(user, channel)
    limit = max(1, min(int(limit), MAX_PAGE))
    flow = Message.objects.filter(channel=channel).filter(MAIN_FLOW)
    if after is not None and before is None:
        rows = list(with_details(flow.filter(id__gt=after).order_by("id"))[:limit + 1])
        return Page(rows[:limit], has_older=flow.filter(id__lte=after).exists(),
                    has_newer=len(rows) > limit)
    selected = flow
    if before is not None:
        selected = selected.filter(id__lt=before)
    if after is not None:
        selected = selected.filter(id__gt=after)
    rows = list(with_details(selected.order_by("-id"))[:limit + 1])
    newer = before is not None and flow.filter(id__gte=before).exists()
    return Page(rows[:limit][::-1], has_older=len(rows) > limit, has_newer=newer)


def thread(user: Any, root: Message) -> list[Message]:
    """A thread: its root then every reply, oldest first. Given a reply, its whole thread."""
    root_id = root.thread_root_id or root.pk
    _require_view(user, root.channel)
    return list(with_details(Message.objects.filter(Q(pk=root_id) | Q(thread_root_id=root_id))
                             .filter(channel_id=root.channel_id).order_by("id"))[:MAX_THREAD])


def pins(user: Any, channel: Channel) -> list[Message]:
    """Pinned messages, most recently pinned first."""
    _require_view(user, channel)
    return list(with_details(Message.objects.filter(channel=channel, pinned_at__isnull=False,
                                                    deleted_at__isnull=True)
                             .order_by("-pinned_at", "-id"))[:MAX_PINS])


def read_receipts(channel: Channel) -> dict[int, int]:
    """For a direct conversation, how far each member has read ({user id: message id});
    nothing for channels (too many people for receipts). The caller checks the reader may
    view the conversation."""
    if channel.kind != ChannelKind.DIRECT:
        return {}
    return dict(ChannelMember.objects.filter(channel=channel, user__is_active=True)
                .values_list("user_id", "last_read_id"))


def mentions_of(user: Any, *, before: int | None = None, limit: int = 50) -> list[Message]:
    """Messages mentioning the person by name, newest first, among those they may read now.
    A page may hold fewer than `limit` when some channels are no longer readable; continue
    with `before` set to the last id seen."""
    if not is_active_user(user):
        return []
    limit = max(1, min(int(limit), MAX_PAGE))
    messages = Message.objects.filter(mentions__user_id=user.pk, deleted_at__isnull=True)
    if before is not None:
        messages = messages.filter(id__lt=before)
    rows = list(with_details(messages.select_related("channel__space").order_by("-id"))
                [:limit])
    readable = readable_channel_ids(user, {m.channel_id for m in rows})
    return [m for m in rows if m.channel_id in readable]
