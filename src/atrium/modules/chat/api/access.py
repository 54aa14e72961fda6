"""Fetch-and-check for the chat API, and the answers built from what was fetched.

Who *sees* a channel: those who read it, and those who govern it without reading it (the
space's and the organisation's admins may rename, archive and remove people from a private
channel they are not in). Anybody else gets 404, as for a missing id. Someone who sees a
channel but may not do what they ask (read its messages, post, manage) gets 403.
Messages are seen by the channel's readers only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _

from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import User
from atrium.modules.chat.abilities import message_abilities
from atrium.modules.chat.models import Channel, ChannelMember, Message, Webhook
from atrium.modules.chat.present import channel_payload, message_payload
from atrium.modules.chat.queries import access_message, with_details


def seen_channel(user: User, channel_id: int) -> tuple[Channel, dict[str, bool]]:
    """The channel and the caller's abilities on it, if they read or govern it."""
    channel = Channel.objects.select_related("space").filter(pk=channel_id).first()
    if channel is None:
        raise NotFound("channel")
    can = abilities(user, channel)
    if not (can["view"] or can["manage"]):
        raise NotFound("channel")
    return channel, can


def read_channel(user: User, channel_id: int) -> tuple[Channel, dict[str, bool]]:
    """The channel if the caller reads its messages (403 if they only govern it)."""
    channel, can = seen_channel(user, channel_id)
    if not can["view"]:
        raise Forbidden(_("Only the channel's readers can see its messages."))
    return channel, can


def seen_message(user: User, message_id: int) -> Message:
    return access_message(user, message_id, "view")


def managed_webhook(user: User, webhook_id: int) -> Webhook:
    """A webhook, for those who manage its channel (nobody else learns it exists)."""
    webhook = Webhook.objects.select_related("channel__space").filter(pk=webhook_id).first()
    if webhook is None or not abilities(user, webhook.channel)["manage"]:
        raise NotFound("webhook")
    return webhook


@contextmanager
def fields_named(**names: str) -> Iterator[None]:
    """Report an action's error on the API's name for the field (`members` → `member_ids`)."""
    try:
        yield
    except ActionError as error:
        if error.field in names:
            error.field = names[error.field]
        raise


# Answers -----------------------------------------------------------------------------------

def detailed(message: Message) -> Message:
    """The message again, with everything its payload reads."""
    return with_details(Message.objects.filter(pk=message.pk)).get()


def message_out(user: User, message: Message, channel_can: dict[str, bool]) -> dict[str, Any]:
    payload = message_payload(message, viewer=user)
    payload["abilities"] = message_abilities(message, user, channel_can)
    return payload


def messages_out(user: User, messages: Iterable[Message],
                 channel_can: dict[str, bool]) -> list[dict[str, Any]]:
    return [message_out(user, m, channel_can) for m in messages]


def membership_out(member: ChannelMember | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {"last_read_id": member.last_read_id, "unread_mentions": member.unread_mentions,
            "notify": member.notify, "muted": member.muted}


def channel_out(user: User, channel: Channel, can: dict[str, bool] | None = None,
                **extra: Any) -> dict[str, Any]:
    payload = channel_payload(channel)
    payload["abilities"] = can if can is not None else abilities(user, channel)
    payload.update(extra)
    return payload


def channel_detail(user: User, channel: Channel,
                   can: dict[str, bool] | None = None) -> dict[str, Any]:
    """A channel with my membership (read position, notification settings)."""
    can = can if can is not None else abilities(user, channel)
    member = (ChannelMember.objects.filter(channel=channel, user=user).first()
              if can["is_member"] else None)
    return channel_out(user, channel, can, membership=membership_out(member),
                       member_count=channel.members.filter(user__is_active=True).count())
