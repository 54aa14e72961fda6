"""Typed events of the chat module.

Message events go to the channel's audience ("chat.channel", id) and carry the message in the
one JSON shape of `present.message_payload`, so a live page applies them without a fetch.
Events addressed to a person ("user", id) carry ids only: the client fetches what it may read.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from atrium.kernel.events import Event

CHANNEL_AUDIENCE = "chat.channel"
MemberChange = Literal["joined", "added", "left", "removed", "settings"]
NotifyReason = Literal["direct", "mention", "channel_mention", "thread", "message"]


class MessagePosted(Event):
    type: ClassVar[str] = "chat.message.posted"
    channel_id: int
    message: dict[str, Any]


class MessageEdited(Event):
    type: ClassVar[str] = "chat.message.edited"
    channel_id: int
    message: dict[str, Any]


class MessageDeleted(Event):
    type: ClassVar[str] = "chat.message.deleted"
    channel_id: int
    message: dict[str, Any]


class ReactionChanged(Event):
    """Someone added or removed a reaction; `reactions` is the message's whole new summary."""

    type: ClassVar[str] = "chat.reaction"
    channel_id: int
    message_id: int
    user_id: int
    emoji: str
    on: bool
    reactions: list[dict[str, Any]]


class PinChanged(Event):
    type: ClassVar[str] = "chat.pin"
    channel_id: int
    message_id: int
    pinned: bool
    user_id: int


class ThreadChanged(Event):
    """A thread's root has a new reply count (a reply was posted or deleted)."""

    type: ClassVar[str] = "chat.thread"
    channel_id: int
    root_id: int
    reply_count: int
    last_reply_at: str | None


class ChannelChanged(Event):
    type: ClassVar[str] = "chat.channel.changed"
    channel_id: int
    channel: dict[str, Any]


class MemberChanged(Event):
    """Someone joined, left, was added to or removed from a channel; "settings" (sent to the
    person only) when their notification settings for it changed."""

    type: ClassVar[str] = "chat.member"
    channel_id: int
    user_id: int
    change: MemberChange


class ReadMoved(Event):
    """A person's read position moved forward (to their other devices; in direct
    conversations also to the other members, for read receipts)."""

    type: ClassVar[str] = "chat.read"
    channel_id: int
    user_id: int
    last_read_id: int
    unread_mentions: int


class Notify(Event):
    """A person should be notified of a message (see `notify.py` for who and when)."""

    type: ClassVar[str] = "chat.notify"
    channel_id: int
    message_id: int
    reason: NotifyReason


EVENT_TYPES = (MessagePosted, MessageEdited, MessageDeleted, ReactionChanged, PinChanged,
               ThreadChanged, ChannelChanged, MemberChanged, ReadMoved, Notify)
