"""Read positions and notification settings of a person in a channel."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from atrium.kernel import events
from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, Forbidden
from atrium.modules.chat.actions.channels import require_active
from atrium.modules.chat.events import CHANNEL_AUDIENCE, MemberChanged, ReadMoved
from atrium.modules.chat.models import Channel, ChannelMember, Mention, Message, NotifyLevel


def unread_mentions_after(channel: Channel, member: ChannelMember, after_id: int) -> int:
    """Messages past `after_id` that mention the person (or the whole channel, unless they
    muted it), not written by them and not deleted."""
    concerned = Q(Exists(Mention.objects.filter(message=OuterRef("pk"), user_id=member.user_id)))
    if not member.muted:
        concerned |= Q(mentions_channel=True)
    return (Message.objects.filter(channel=channel, id__gt=after_id, deleted_at__isnull=True)
            .exclude(author_id=member.user_id).filter(concerned).count())


@transaction.atomic
def do_mark_read(actor: Any, channel: Channel, message_id: int) -> ChannelMember | None:
    """Move the person's read position forward to `message_id` (never back, never past the
    newest message). Someone reading a public channel without joining keeps no position:
    returns None."""
    actor = require_active(actor)
    if not abilities(actor, channel)["view"]:
        raise Forbidden(_("You may not read this channel."))
    member = ChannelMember.objects.select_for_update().filter(channel=channel, user=actor).first()
    if member is None:
        return None
    newest = Channel.objects.filter(pk=channel.pk).values_list("last_message_id", flat=True)[0]
    target = min(int(message_id), newest)
    if target <= member.last_read_id:
        return member
    member.last_read_id = target
    member.unread_mentions = unread_mentions_after(channel, member, target)
    member.save(update_fields=["last_read_id", "unread_mentions"])
    event = ReadMoved(channel_id=channel.pk, user_id=actor.pk, last_read_id=target,
                      unread_mentions=member.unread_mentions)
    events.emit(event, "user", actor.pk)
    if channel.is_direct:  # read receipts
        events.emit(event.model_copy(update={"unread_mentions": 0}), CHANNEL_AUDIENCE,
                    channel.pk)
    return member


@transaction.atomic
def do_set_notify(actor: Any, channel: Channel, *, level: str | None = None,
                  muted: bool | None = None) -> ChannelMember:
    """How the person is notified of this channel: a level ("all", "mentions", "nothing",
    or "" for the default) and whether it is muted."""
    actor = require_active(actor)
    member = ChannelMember.objects.select_for_update().filter(channel=channel, user=actor).first()
    if member is None or not abilities(actor, channel)["view"]:
        raise ActionError(_("Join the channel to choose how it notifies you."),
                          code="not_member")
    changed = []
    if level is not None:
        if level not in NotifyLevel.values:
            raise ActionError(_("Choose all messages, mentions only or nothing."),
                              code="invalid", field="level")
        if level != member.notify:
            member.notify = level
            changed.append("notify")
    if muted is not None and bool(muted) != member.muted:
        member.muted = bool(muted)
        changed.append("muted")
    if changed:
        member.save(update_fields=changed)
        events.emit(MemberChanged(channel_id=channel.pk, user_id=actor.pk, change="settings"),
                    "user", actor.pk)
    return member
