"""The one JSON shape of a message and of a channel, used by events, the API and the live UI.

Lists prefetch `author`, `reactions`, `attachments` and `mentions` (see `queries`) so that
building many payloads costs no query per message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from atrium.modules.chat.models import Attachment, Channel, Message, Reaction


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def person_payload(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name, "initials": user.initials,
            "is_bot": user.is_bot}


def reaction_summary(reactions: Iterable[Reaction]) -> list[dict[str, Any]]:
    """[{emoji, count, user_ids}] in the order each emoji was first used."""
    summary: dict[str, dict[str, Any]] = {}
    for reaction in sorted(reactions, key=lambda r: r.pk):
        entry = summary.setdefault(reaction.emoji,
                                   {"emoji": reaction.emoji, "count": 0, "user_ids": []})
        entry["count"] += 1
        entry["user_ids"].append(reaction.user_id)
    return list(summary.values())


def attachment_payload(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "mime_type": attachment.mime_type,
        "width": attachment.width,
        "height": attachment.height,
        "url": f"/chat/files/{attachment.pk}",
        "thumbnail_url": f"/chat/files/{attachment.pk}/thumb"
        if attachment.thumbnail_id is not None else None,
    }


def message_payload(message: Message, viewer: Any = None) -> dict[str, Any]:
    """A message as every client sees it. With a `viewer`, the payload also says whether the
    message is theirs (`mine`); events are built without one, being the same for everybody."""
    author = message.author
    payload: dict[str, Any] = {
        "id": message.pk,
        "channel_id": message.channel_id,
        "author": person_payload(author),
        "sender_name": message.sender_name or (author.display_name if author else ""),
        "body": message.body,
        "html": message.html,
        "created_at": _iso(message.created_at),
        "edited_at": _iso(message.edited_at),
        "deleted": message.deleted_at is not None,
        "thread_root_id": message.thread_root_id,
        "also_in_channel": message.also_in_channel,
        "reply_count": message.reply_count,
        "last_reply_at": _iso(message.last_reply_at),
        "reactions": reaction_summary(message.reactions.all()),
        "attachments": [attachment_payload(a) for a in message.attachments.all()],
        "pinned": message.pinned_at is not None,
        "mention_ids": sorted(m.user_id for m in message.mentions.all()),
        "mentions_channel": message.mentions_channel,
    }
    if viewer is not None:
        payload["mine"] = author is not None and author.pk == getattr(viewer, "pk", None)
    return payload


def channel_payload(channel: Channel) -> dict[str, Any]:
    """A channel's public facts; a direct conversation also lists its members' ids."""
    payload: dict[str, Any] = {
        "id": channel.pk,
        "kind": channel.kind,
        "space_id": channel.space_id,
        "name": channel.name,
        "topic": channel.topic,
        "archived": channel.archived_at is not None,
        "created_at": _iso(channel.created_at),
        "last_message_id": channel.last_message_id,
        "last_message_at": _iso(channel.last_message_at),
    }
    if channel.is_direct:
        payload["member_ids"] = sorted(m.user_id for m in channel.members.all())
    return payload
