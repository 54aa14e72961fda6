"""Messages: history with cursors, posting (rate limited), editing, deleting, threads,
reactions and pins.

Messages are seen by those who read their channel; anyone else gets 404. Someone who sees a
message but may not change it (not the author, not a moderator, read-only) gets 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import errors
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError
from atrium.modules.chat import actions, queries
from atrium.modules.chat.api.access import (
    detailed,
    fields_named,
    message_out,
    messages_out,
    read_channel,
    seen_message,
)
from atrium.modules.chat.api.schemas import (
    ChannelId,
    Cursor,
    Emoji,
    MessageEditIn,
    MessageId,
    MessageIn,
    MessageOut,
    MessagesPage,
    PageSize,
    ReactionOut,
    RevisionOut,
    ThreadOut,
)
from atrium.modules.chat.api.throttle import POSTS_PER_WINDOW, WINDOW_SECONDS, post_throttle
from atrium.modules.chat.models import Attachment, Message

router = Router(tags=["chat: messages"])


@router.get("/chat/channels/{channel_id}/messages",
            response={200: MessagesPage, **errors(403, 404)},
            summary="Messages of a channel, a page at a time",
            description="The channel's main flow (messages, and thread replies also shown in "
            "the channel), oldest first. Without a cursor: the newest `limit`. `before=id`: "
            "the `limit` messages just before it (scrolling up). `after=id`: those just after "
            "it (catching up). Continue with `next_before` / `next_after`, which are null "
            "when there is nothing more on that side. Replies are read with `GET "
            "/chat/messages/{message_id}/thread`.")
def list_messages(request: HttpRequest, channel_id: ChannelId, before: Cursor = None,
                  after: Cursor = None, limit: PageSize = 50) -> dict[str, Any]:
    user = viewer(request)
    channel, can = read_channel(user, channel_id)
    found = queries.history(user, channel, before=before, after=after, limit=limit)
    items = found.messages
    return {
        "items": messages_out(user, items, can),
        "next_before": items[0].pk if items and found.has_older else None,
        "next_after": items[-1].pk if items and found.has_newer else None,
    }


def _thread_root(channel_id: int, root_id: int | None) -> Message | None:
    if root_id is None:
        return None
    root = Message.objects.filter(pk=root_id, channel_id=channel_id).first()
    if root is None:
        raise ActionError(_("Replies go to a message of this channel."), code="bad_thread",
                          field="thread_root_id")
    return root


@router.post("/chat/channels/{channel_id}/messages",
             response={201: MessageOut, **errors(400, 403, 404, 429)}, throttle=post_throttle,
             summary="Post a message",
             description="Markdown, at most 40,000 characters (400 on `body` past that). "
             "`thread_root_id` replies in a thread; `attachment_ids` sends files uploaded "
             "to this channel first. Posting in a public channel joins it. Each person may "
             f"send {POSTS_PER_WINDOW} posts in {WINDOW_SECONDS} seconds (all their tokens "
             "and sessions together); past that the answer is 429 (`throttled`) with a "
             "`Retry-After` header.")
def post_message(request: HttpRequest, channel_id: ChannelId,
                 payload: MessageIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    channel, can = read_channel(user, channel_id)
    root = _thread_root(channel.pk, payload.thread_root_id)
    files = [Attachment(pk=pk) for pk in dict.fromkeys(payload.attachment_ids)]
    with fields_named(thread_root="thread_root_id", attachments="attachment_ids"):
        message = actions.do_post_message(user, channel, payload.body, thread_root=root,
                                          also_in_channel=payload.also_in_channel,
                                          attachments=files, can=can)
    if not can["is_member"]:
        can = abilities(user, channel)  # posting joined the channel
    # The action hands back the message with everything its payload reads.
    return Status(201, message_out(user, message, can))


def _answer(user: Any, message: Message) -> dict[str, Any]:
    return message_out(user, detailed(message), abilities(user, message.channel))


@router.get("/chat/messages/{message_id}", response={200: MessageOut, **errors(404)},
            summary="A message",
            description="A deleted message stays as a placeholder (`deleted: true`, no text).")
def get_message(request: HttpRequest, message_id: MessageId) -> dict[str, Any]:
    user = viewer(request)
    return _answer(user, seen_message(user, message_id))


@router.patch("/chat/messages/{message_id}",
              response={200: MessageOut, **errors(400, 403, 404)}, summary="Edit a message",
              description="Authors edit their own messages while they may post in the "
              "channel. The earlier text is kept for admins (`/history`).")
def edit_message(request: HttpRequest, message_id: MessageId,
                 payload: MessageEditIn) -> dict[str, Any]:
    user = viewer(request)
    message = actions.do_edit_message(user, seen_message(user, message_id), payload.body)
    return _answer(user, message)


@router.delete("/chat/messages/{message_id}", response={204: None, **errors(403, 404)},
               summary="Delete a message",
               description="Its author, or a moderator (the space's and organisation's admins "
               "who read the channel). A placeholder stays; files, reactions and mentions go.")
def delete_message(request: HttpRequest, message_id: MessageId) -> Status[None]:
    user = viewer(request)
    actions.do_delete_message(user, seen_message(user, message_id))
    return Status(204, None)


@router.get("/chat/messages/{message_id}/history",
            response={200: list[RevisionOut], **errors(403, 404)},
            summary="Earlier texts of a message",
            description="Newest first; for the space's and the organisation's admins who read "
            "the channel (reading someone else's history is audited).")
def message_history(request: HttpRequest, message_id: MessageId) -> list[dict[str, Any]]:
    user = viewer(request)
    revisions = actions.message_history(user, seen_message(user, message_id))
    return [{"body": r.body, "replaced_at": r.replaced_at, "replaced_by_id": r.replaced_by_id}
            for r in revisions]


@router.get("/chat/messages/{message_id}/thread", response={200: ThreadOut, **errors(404)},
            summary="A thread: its first message and every reply",
            description="Given a reply, the whole thread it belongs to. Replies oldest first.")
def get_thread(request: HttpRequest, message_id: MessageId) -> dict[str, Any]:
    user = viewer(request)
    message = seen_message(user, message_id)
    can = abilities(user, message.channel)
    found = queries.thread(user, message)
    root_id = message.thread_root_id or message.pk
    root = next(m for m in found if m.pk == root_id)
    return {"root": message_out(user, root, can),
            "replies": messages_out(user, [m for m in found if m.pk != root_id], can)}


def _react(request: HttpRequest, message_id: int, emoji: str, on: bool) -> list[dict[str, Any]]:
    user = viewer(request)
    return actions.do_react(user, seen_message(user, message_id), emoji, on)


@router.put("/chat/messages/{message_id}/reactions/{emoji}",
            response={200: list[ReactionOut], **errors(400, 403, 404)},
            summary="React to a message",
            description="Adding the same reaction twice changes nothing. Answers the message's "
            "reactions.")
def add_reaction(request: HttpRequest, message_id: MessageId,
                 emoji: Emoji) -> list[dict[str, Any]]:
    return _react(request, message_id, emoji, True)


@router.delete("/chat/messages/{message_id}/reactions/{emoji}",
               response={200: list[ReactionOut], **errors(400, 403, 404)},
               summary="Take back my reaction",
               description="Answers the message's reactions.")
def remove_reaction(request: HttpRequest, message_id: MessageId,
                    emoji: Emoji) -> list[dict[str, Any]]:
    return _react(request, message_id, emoji, False)


def _pin(request: HttpRequest, message_id: int, pinned: bool) -> dict[str, Any]:
    user = viewer(request)
    return _answer(user, actions.do_pin(user, seen_message(user, message_id), pinned))


@router.put("/chat/messages/{message_id}/pin", response={200: MessageOut,
                                                         **errors(403, 404)},
            summary="Pin a message to its channel")
def pin_message(request: HttpRequest, message_id: MessageId) -> dict[str, Any]:
    return _pin(request, message_id, True)


@router.delete("/chat/messages/{message_id}/pin", response={200: MessageOut,
                                                            **errors(403, 404)},
               summary="Unpin a message")
def unpin_message(request: HttpRequest, message_id: MessageId) -> dict[str, Any]:
    return _pin(request, message_id, False)


@router.get("/chat/channels/{channel_id}/pins",
            response={200: list[MessageOut], **errors(403, 404)},
            summary="Pinned messages of a channel", description="Most recently pinned first.")
def list_pins(request: HttpRequest, channel_id: ChannelId) -> list[dict[str, Any]]:
    user = viewer(request)
    channel, can = read_channel(user, channel_id)
    return messages_out(user, queries.pins(user, channel), can)
