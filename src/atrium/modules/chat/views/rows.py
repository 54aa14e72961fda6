"""Messages as the page shows them: `chat/_message.html` reads a row built here from the one
JSON shape (`present.message_payload`), the same shape the page's scripts render live
messages from, so a message looks the same whether it came with the page or over the socket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atrium.kernel import linkpreview
from atrium.kernel.status import current_status, do_not_disturb
from atrium.modules.chat.abilities import message_abilities
from atrium.modules.chat.models import Channel, Message
from atrium.modules.chat.present import message_payload

CONTINUATION = timedelta(minutes=5)


@dataclass
class Item:
    """One line of a conversation: a day separator, the "new messages" line or a message."""

    kind: str  # "day", "unread" or "message"
    day: str = ""
    label: str = ""
    m: dict[str, Any] = field(default_factory=dict)
    can: dict[str, bool] = field(default_factory=dict)
    classes: str = ""
    dom_id: str = ""
    time: str = ""
    link: str = ""
    thread_url: str = ""
    root_url: str = ""
    replies_label: str = ""
    reactions: list[dict[str, Any]] = field(default_factory=list)
    preview: Any = None  # the LinkPreview of the message's first address, when shown


def conversation_url(channel_id: int) -> str:
    return f"/chat/c/{channel_id}/"


def day_label(day: date) -> str:
    today = timezone.localdate()
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return formats.date_format(day, "l j F Y")


def replies_label(count: int) -> str:
    return ngettext("%(n)s reply", "%(n)s replies", count) % {"n": count} if count else ""


def blank_row() -> Item:
    """The empty message the page's <template> holds; scripts fill every part of it."""
    return Item(kind="message", can={}, m={})


def message_item(message: Message, user: Any, channel_can: Mapping[str, bool],
                 names: Mapping[int, str], prefix: str = "") -> Item:
    payload = message_payload(message, viewer=user)
    can = message_abilities(message, user, dict(channel_can))
    local = timezone.localtime(message.created_at)
    base = conversation_url(message.channel_id)
    mine = payload["author"] is not None and payload["author"]["id"] == user.pk
    mentioned = not payload["deleted"] and (
        payload["mentions_channel"] or user.pk in payload["mention_ids"])
    classes = "".join((" msg-mine" if mine else "", " msg-mention" if mentioned else "",
                       " msg-deleted" if payload["deleted"] else ""))
    in_thread_only = message.thread_root_id is not None and not message.also_in_channel
    return Item(
        kind="message", m=payload, can=can, classes=classes,
        day=local.date().isoformat(), dom_id=f"{prefix}message-{message.pk}",
        time=formats.time_format(local, "H:i"),
        link=(f"{base}thread/{message.thread_root_id}/" if in_thread_only
              else f"{base}?around={message.pk}#message-{message.pk}"),
        thread_url=f"{base}thread/{message.pk}/",
        root_url=f"{base}thread/{message.thread_root_id}/" if message.thread_root_id else "",
        replies_label=replies_label(message.reply_count),
        reactions=[{"emoji": r["emoji"], "count": r["count"], "mine": user.pk in r["user_ids"],
                    "names": ", ".join(names[i] for i in r["user_ids"] if i in names)}
                   for r in payload["reactions"]],
    )


def items(messages: Iterable[Message], user: Any, channel_can: Mapping[str, bool],
          names: Mapping[int, str], *, last_read_id: int | None = None,
          prefix: str = "") -> list[Item]:
    """Messages (oldest first) with a separator at each new day, consecutive messages of one
    person grouped, and the "new messages" line before the first unread one by someone else."""
    out: list[Item] = []
    previous: tuple[int | None, str, datetime] | None = None
    unread_shown = last_read_id is None
    messages = list(messages)
    previews = linkpreview.previews_of_texts(
        {m.pk: m.body for m in messages if m.deleted_at is None})
    for message in messages:
        item = message_item(message, user, channel_can, names, prefix)
        item.preview = previews.get(message.pk)
        if previous is None or previous[1] != item.day:
            out.append(Item(kind="day", day=item.day,
                            label=day_label(date.fromisoformat(item.day))))
            previous = None
        if not unread_shown and message.pk > (last_read_id or 0) \
                and message.author_id != user.pk:
            out.append(Item(kind="unread"))
            unread_shown, previous = True, None
        if (previous is not None and message.author_id is not None
                and previous[0] == message.author_id
                and message.created_at - previous[2] < CONTINUATION):
            item.classes += " msg-cont"
        previous = (message.author_id, item.day, message.created_at)
        out.append(item)
    return out


def member_names(channel: Channel) -> dict[int, dict[str, Any]]:
    """The channel's members by id (names for mentions, reactions and receipts)."""
    now = timezone.now()
    people = channel.members.select_related("user").order_by("user__full_name")[:2000]
    return {m.user_id: {"name": m.user.display_name, "initials": m.user.initials,
                        "status": " ".join(filter(None, current_status(m.user, now))),
                        "dnd": do_not_disturb(m.user, now)}
            for m in people}
