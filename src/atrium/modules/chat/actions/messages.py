"""Messages: post (with threads, mentions, attachments), edit, delete, history, reactions and
pins."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, blobstore, events, linkpreview
from atrium.kernel import modules as module_state
from atrium.kernel.abilities import abilities
from atrium.kernel.emoji import check_emoji
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import User
from atrium.modules.chat import mentions
from atrium.modules.chat.abilities import MODULE, readers_among, visible_people
from atrium.modules.chat.actions.channels import join, require_active
from atrium.modules.chat.events import (
    CHANNEL_AUDIENCE,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    PinChanged,
    ReactionChanged,
    ThreadChanged,
)
from atrium.modules.chat.models import (
    MAX_MESSAGE_CHARS,
    Attachment,
    Channel,
    ChannelMember,
    Mention,
    Message,
    MessageRevision,
    Reaction,
    Webhook,
)
from atrium.modules.chat.notify import notify_message
from atrium.modules.chat.present import message_payload, reaction_summary

MAX_ATTACHMENTS = 20
MAX_DISTINCT_REACTIONS = 50
_LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\r?\n)+")


def clean_body(body: str) -> str:
    """The text as it will be stored: no NUL, no blank lines before or whitespace after
    (leading spaces of the first line are kept: they may start a code block)."""
    body = _LEADING_BLANK_LINES.sub("", (body or "").replace("\x00", "")).rstrip()
    if len(body) > MAX_MESSAGE_CHARS:
        raise ActionError(_("The message is too long: %(length)d characters, at most %(max)d.")
                          % {"length": len(body), "max": MAX_MESSAGE_CHARS},
                          code="too_long", field="body")
    return body


def _render(channel: Channel, body: str, author: User | None) -> tuple[mentions.Rendered,
                                                                     list[int]]:
    """The message's HTML, and the people it mentions who may read the channel (never the
    author). Names are shown for people the author may see (for a webhook: readers)."""
    ids = mentions.candidate_ids(body)
    readers = readers_among(channel, ids)
    shown = visible_people(author, ids) if author is not None else readers
    names = {u.pk: u.display_name
             for u in User.objects.filter(pk__in=shown).only("pk", "full_name", "email")}
    rendered = mentions.render(body, names)
    author_id = author.pk if author is not None else None
    mentioned = [pk for pk in rendered.user_ids if pk in readers and pk != author_id]
    return rendered, mentioned


def _check_root(channel: Channel, root: Message) -> Message:
    root = Message.objects.select_for_update().filter(pk=root.pk).first() or root
    if root.channel_id != channel.pk or root.thread_root_id is not None:
        raise ActionError(_("Replies go to a message of this channel that is not itself a "
                            "reply."), code="bad_thread", field="thread_root")
    if root.deleted_at is not None:
        raise ActionError(_("This message was deleted: it cannot get replies."),
                          code="deleted", field="thread_root")
    return root


def _check_attachments(channel: Channel, author: User | None,
                       attachments: Sequence[Attachment]) -> list[int]:
    ids = sorted({a.pk for a in attachments})
    if not ids:
        return []
    if len(ids) > MAX_ATTACHMENTS:
        raise ActionError(_("Attach at most %(max)d files to one message.")
                          % {"max": MAX_ATTACHMENTS}, code="too_many", field="attachments")
    if author is None:  # webhooks send text only
        raise ActionError(_("A webhook cannot attach files."), code="invalid",
                          field="attachments")
    found = list(Attachment.objects.select_for_update()
                 .filter(pk__in=ids, message__isnull=True, channel_id=channel.pk,
                         uploader_id=author.pk)
                 .values_list("pk", flat=True))
    if len(found) != len(ids):
        raise ActionError(_("An attached file is no longer available: upload it again."),
                          code="bad_attachment", field="attachments")
    return ids


def _check_webhook(channel: Channel, webhook: Webhook) -> None:
    space = channel.space
    usable = (webhook.channel_id == channel.pk and webhook.revoked_at is None
              and channel.archived_at is None and space is not None
              and space.archived_at is None and module_state.enabled_in_space(space, MODULE))
    if not usable:
        raise Forbidden(_("This webhook may not post here."))


def _count_mentions(channel: Channel, message: Message, personal: Iterable[int],
                    everyone: bool) -> None:
    """One more unread mention for the members concerned who have not read past it
    (`everyone`: @channel or @here, which muted members do not count)."""
    personal = set(personal)
    members = ChannelMember.objects.filter(channel=channel, last_read_id__lt=message.pk)
    if personal:
        members.filter(user_id__in=personal).update(unread_mentions=F("unread_mentions") + 1)
    if everyone:
        others = members.filter(muted=False).exclude(user_id__in=personal)
        if message.author_id is not None:
            others = others.exclude(user_id=message.author_id)
        others.update(unread_mentions=F("unread_mentions") + 1)


def _emit_thread(root: Message) -> None:
    root.refresh_from_db(fields=["reply_count", "last_reply_at"])
    events.emit(ThreadChanged(
        channel_id=root.channel_id, root_id=root.pk, reply_count=root.reply_count,
        last_reply_at=root.last_reply_at.isoformat() if root.last_reply_at else None,
    ), CHANNEL_AUDIENCE, root.channel_id)


@transaction.atomic
def do_post_message(actor: Any, channel: Channel, body: str, *,
                    thread_root: Message | None = None, also_in_channel: bool = False,
                    attachments: Sequence[Attachment] = (),
                    webhook: Webhook | None = None,
                    can: dict[str, bool] | None = None) -> Message:
    """`can`: the actor's abilities on `channel` when the caller computed them a moment ago
    in the same request (the API's fetch-and-check), so they are computed once per post."""
    author: User | None = None
    if webhook is not None:
        _check_webhook(channel, webhook)
        can = {}
    else:
        author = require_active(actor)
        if can is None:
            can = abilities(author, channel)
        if not can["post"]:
            raise Forbidden(_("You may not post in this channel."))
    body = clean_body(body)
    files = _check_attachments(channel, author, attachments)
    if not body.strip() and not files:
        raise ActionError(_("Write a message or attach a file."), code="required",
                          field="body")
    root = _check_root(channel, thread_root) if thread_root is not None else None
    if author is not None and not can["is_member"] and not channel.is_direct:
        join(channel, author)  # posting in a public channel joins it
    rendered, mentioned = _render(channel, body, author)
    message = Message.objects.create(
        channel=channel, author=author, sender_name=webhook.name[:80] if webhook else "",
        body=body, html=rendered.html, thread_root=root,
        also_in_channel=bool(also_in_channel and root is not None),
        mentions_channel=rendered.mentions_channel, has_attachment=bool(files),
    )
    if files:
        Attachment.objects.filter(pk__in=files).update(message=message)
    made = Mention.objects.bulk_create(Mention(message=message, user_id=pk) for pk in mentioned)
    # A new message has no reactions, exactly these mentions and these files: its payload
    # (for the event and the caller's answer) needs no further query. Posting is chat's hot
    # path.
    _known(message, reactions=[], mentions=made,
           attachments=list(Attachment.objects.filter(pk__in=files)) if files else [])
    if root is not None:
        Message.objects.filter(pk=root.pk).update(reply_count=F("reply_count") + 1,
                                                  last_reply_at=message.created_at)
        _emit_thread(root)
    if message.in_main_flow:
        Channel.objects.filter(pk=channel.pk, last_message_id__lt=message.pk) \
            .update(last_message_id=message.pk, last_message_at=message.created_at)
        channel.last_message_id, channel.last_message_at = message.pk, message.created_at
        if author is not None:  # one has read what one just wrote
            ChannelMember.objects.filter(channel=channel, user=author,
                                         last_read_id__lt=message.pk) \
                .update(last_read_id=message.pk)
    _count_mentions(channel, message, mentioned, message.mentions_channel)
    linkpreview.queue_for_text(body)  # the card under the message, fetched after commit
    events.emit(MessagePosted(channel_id=channel.pk, message=message_payload(message)),
                CHANNEL_AUDIENCE, channel.pk)
    notify_message(message, channel, mentioned=mentioned, root=root)
    return message


def _known(message: Message, **related: list[Any] | None) -> None:
    """Fill the related sets of `message` already known to the caller, as prefetch would."""
    cache = message.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        if rows is None:
            continue
        queryset = getattr(message, name).all()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset


def _locked(message: Message) -> Message:
    found = (Message.objects.select_for_update(of=("self",)).select_related("channel__space",
                                                                            "author")
             .filter(pk=message.pk).first())
    if found is None:
        raise NotFound("message")
    return found


@transaction.atomic
def do_edit_message(actor: Any, message: Message, body: str) -> Message:
    actor = require_active(actor)
    message = _locked(message)
    if not abilities(actor, message)["edit"]:
        raise Forbidden(_("You may only edit your own messages, and only while you may post here."))
    body = clean_body(body)
    if not body.strip() and not message.has_attachment:
        raise ActionError(_("A message cannot be empty: delete it instead."),
                          code="required", field="body")
    if body == message.body:
        return message
    MessageRevision.objects.create(message=message, body=message.body, replaced_by=actor)
    channel = message.channel
    rendered, mentioned = _render(channel, body, actor)
    had_channel_mention = message.mentions_channel
    message.body, message.html = body, rendered.html
    message.mentions_channel, message.edited_at = rendered.mentions_channel, timezone.now()
    message.save(update_fields=["body", "html", "mentions_channel", "edited_at"])
    linkpreview.queue_for_text(body)
    before = set(message.mentions.values_list("user_id", flat=True))
    added = [pk for pk in mentioned if pk not in before]
    Mention.objects.filter(message=message).exclude(user_id__in=mentioned).delete()
    Mention.objects.bulk_create(Mention(message=message, user_id=pk) for pk in added)
    _count_mentions(channel, message, added,
                    rendered.mentions_channel and not had_channel_mention)
    events.emit(MessageEdited(channel_id=channel.pk, message=message_payload(message)),
                CHANNEL_AUDIENCE, channel.pk)
    if added:  # people newly mentioned are told, nobody else again
        root = message.thread_root if message.thread_root_id else None
        notify_message(message, channel, mentioned=added, root=root, only=added)
    return message


@transaction.atomic
def do_delete_message(actor: Any, message: Message) -> Message:
    """Soft delete: the text and files go, a placeholder stays (threads keep their shape);
    the text is kept as a revision that admins may read."""
    actor = require_active(actor)
    message = _locked(message)
    if not abilities(actor, message)["delete"]:
        raise Forbidden(_("You may not delete this message."))
    MessageRevision.objects.create(message=message, body=message.body, replaced_by=actor)
    for attachment in Attachment.objects.filter(message=message).select_related("blob",
                                                                                 "thumbnail"):
        blobstore.release(attachment.blob)
        if attachment.thumbnail is not None:
            blobstore.release(attachment.thumbnail)
        attachment.delete()
    Mention.objects.filter(message=message).delete()
    Reaction.objects.filter(message=message).delete()
    message.body = message.html = ""
    message.deleted_at = timezone.now()
    message.pinned_at, message.pinned_by = None, None
    message.has_attachment = message.mentions_channel = False
    message.save(update_fields=["body", "html", "deleted_at", "pinned_at", "pinned_by",
                                "has_attachment", "mentions_channel"])
    if message.thread_root_id is not None:
        Message.objects.filter(pk=message.thread_root_id, reply_count__gt=0) \
            .update(reply_count=F("reply_count") - 1)
        root = Message.objects.get(pk=message.thread_root_id)
        _emit_thread(root)
    if message.author_id != actor.pk:
        audit.record("chat.message_deleted", actor=actor, target=message,
                     channel_id=message.channel_id, author_id=message.author_id)
    events.emit(MessageDeleted(channel_id=message.channel_id, message=message_payload(message)),
                CHANNEL_AUDIENCE, message.channel_id)
    return message


def message_history(actor: Any, message: Message) -> list[MessageRevision]:
    """Earlier texts of a message, newest first: for the space's and the organisation's
    admins (who may read the channel). Reading someone else's history is audited."""
    can = abilities(actor, message)
    if not can["view"]:
        raise NotFound("message")
    if not can["history"]:
        raise Forbidden(_("Only administrators may read the history of a message."))
    if message.author_id != actor.pk:
        audit.record("chat.message_history_read", actor=actor, target=message,
                     channel_id=message.channel_id, author_id=message.author_id)
    return list(message.revisions.select_related("replaced_by"))


@transaction.atomic
def do_react(actor: Any, message: Message, emoji: str, on: bool) -> list[dict[str, Any]]:
    """Add (`on`) or take back one's reaction; returns the message's reactions summary."""
    actor = require_active(actor)
    emoji = check_emoji(emoji)
    if not abilities(actor, message)["react"]:
        raise Forbidden(_("You may not react to this message."))
    mine = Reaction.objects.filter(message=message, user=actor, emoji=emoji)
    changed = False
    if on and not mine.exists():
        used = set(Reaction.objects.filter(message=message).values_list("emoji", flat=True))
        if emoji not in used and len(used) >= MAX_DISTINCT_REACTIONS:
            raise ActionError(_("This message already has %(max)d different reactions.")
                              % {"max": MAX_DISTINCT_REACTIONS}, code="too_many",
                              field="emoji")
        try:
            with transaction.atomic():
                Reaction.objects.create(message=message, user=actor, emoji=emoji)
            changed = True
        except IntegrityError:  # the same click arrived twice
            pass
    elif not on:
        changed = mine.delete()[0] > 0
    summary = reaction_summary(Reaction.objects.filter(message=message))
    if changed:
        events.emit(ReactionChanged(channel_id=message.channel_id, message_id=message.pk,
                                    user_id=actor.pk, emoji=emoji, on=on, reactions=summary),
                    CHANNEL_AUDIENCE, message.channel_id)
    return summary


@transaction.atomic
def do_pin(actor: Any, message: Message, pinned: bool) -> Message:
    actor = require_active(actor)
    if not abilities(actor, message)["pin"]:
        raise Forbidden(_("You may not pin messages here."))
    if (message.pinned_at is not None) == pinned:
        return message
    message.pinned_at = timezone.now() if pinned else None
    message.pinned_by = actor if pinned else None
    message.save(update_fields=["pinned_at", "pinned_by"])
    events.emit(PinChanged(channel_id=message.channel_id, message_id=message.pk, pinned=pinned,
                           user_id=actor.pk), CHANNEL_AUDIENCE, message.channel_id)
    return message
