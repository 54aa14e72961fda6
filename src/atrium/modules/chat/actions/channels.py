"""Channels and direct conversations: create, rename, archive, join, leave, add, remove."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, events
from atrium.kernel import modules as module_state
from atrium.kernel.abilities import (
    abilities,
    has_access,
    is_active_user,
    module_access,
    users_with_module_access,
)
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import Access, Space, User
from atrium.modules.chat.abilities import MODULE, visible_people
from atrium.modules.chat.events import (
    CHANNEL_AUDIENCE,
    ChannelChanged,
    MemberChange,
    MemberChanged,
)
from atrium.modules.chat.models import (
    MAX_CHANNEL_NAME,
    MAX_TOPIC,
    Channel,
    ChannelKind,
    ChannelMember,
)
from atrium.modules.chat.present import channel_payload

MAX_DIRECT_OTHERS = 9
MAX_ADDED_AT_ONCE = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def require_active(actor: Any) -> User:
    if not is_active_user(actor):
        raise Forbidden(_("Sign in to use the chat."))
    user: User = actor
    return user


def check_name(name: str) -> str:
    name = " ".join(_CONTROL.sub(" ", name or "").split())
    if not name:
        raise ActionError(_("Give the channel a name."), code="required", field="name")
    if len(name) > MAX_CHANNEL_NAME:
        raise ActionError(_("The name is too long (at most %(max)d characters).")
                          % {"max": MAX_CHANNEL_NAME}, code="too_long", field="name")
    return name


def check_topic(topic: str) -> str:
    topic = " ".join(_CONTROL.sub(" ", topic or "").split())
    if len(topic) > MAX_TOPIC:
        raise ActionError(_("The topic is too long (at most %(max)d characters).")
                          % {"max": MAX_TOPIC}, code="too_long", field="topic")
    return topic


def _check_name_free(space: Space, name: str, exclude: int | None = None) -> None:
    # Compared in Python: SQLite folds the case of ASCII letters only ("Été" vs "été").
    # Callers hold the space's row lock, so two creations cannot both pass.
    wanted = name.casefold()
    taken = Channel.objects.filter(space=space)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if any(existing.casefold() == wanted for existing in taken.values_list("name", flat=True)):
        raise ActionError(_("A channel with this name already exists in this space."),
                          code="name_taken", field="name")


def _lock_space(space: Space) -> None:
    Space.objects.select_for_update().filter(pk=space.pk).values_list("pk", flat=True).first()


def emit_channel(channel: Channel) -> None:
    events.emit(ChannelChanged(channel_id=channel.pk, channel=channel_payload(channel)),
                CHANNEL_AUDIENCE, channel.pk)


def emit_member(channel: Channel, user_id: int, change: MemberChange) -> None:
    """Tell the channel, and the person on all their devices; their sockets then check
    again which channels they follow (they may have gained or lost one)."""
    event = MemberChanged(channel_id=channel.pk, user_id=user_id, change=change)
    events.emit(event, CHANNEL_AUDIENCE, channel.pk)
    events.emit(event, "user", user_id)
    events.rights_changed("user", user_id)


def _people_who_may_join(actor: User, channel: Channel, users: Iterable[Any]) -> list[int]:
    """Ids of `users` (besides the actor) that the actor may see and that may read the
    channel's space module; one error for anyone else, so nothing is revealed about them."""
    ids = {u.pk if hasattr(u, "pk") else int(u) for u in users} - {actor.pk}
    if not ids:
        return []
    if len(ids) > MAX_ADDED_AT_ONCE:
        raise ActionError(_("Add at most %(max)d people at once.") % {"max": MAX_ADDED_AT_ONCE},
                          code="too_many", field="members")
    assert channel.space is not None
    allowed = visible_people(actor, ids) & users_with_module_access(channel.space, MODULE, ids,
                                                                    Access.READ)
    if allowed != ids:
        raise ActionError(_("Some of these people cannot take part: they need access to the "
                            "chat of this space."), code="not_allowed", field="members")
    return sorted(ids)


def _add_rows(channel: Channel, user_ids: Iterable[int]) -> list[ChannelMember]:
    existing = set(ChannelMember.objects.filter(channel=channel, user_id__in=list(user_ids))
                   .values_list("user_id", flat=True))
    rows = [ChannelMember(channel=channel, user_id=pk, last_read_id=channel.last_message_id)
            for pk in user_ids if pk not in existing]
    return ChannelMember.objects.bulk_create(rows)


@transaction.atomic
def do_create_channel(actor: Any, space: Space, *, name: str, kind: str = ChannelKind.PUBLIC,
                      topic: str = "", members: Iterable[Any] = ()) -> Channel:
    actor = require_active(actor)
    if not has_access(module_access(actor, space, MODULE), Access.WRITE) \
            or space.archived_at is not None:
        raise Forbidden(_("You may not create channels in this space."))
    if kind not in (ChannelKind.PUBLIC, ChannelKind.PRIVATE):
        raise ActionError(_("Choose a public or a private channel."), code="invalid",
                          field="kind")
    name, topic = check_name(name), check_topic(topic)
    _lock_space(space)
    _check_name_free(space, name)
    channel = Channel.objects.create(space=space, kind=kind, name=name, topic=topic,
                                     created_by=actor)
    others = _people_who_may_join(actor, channel, members)
    _add_rows(channel, [actor.pk, *others])
    emit_channel(channel)
    emit_member(channel, actor.pk, "joined")
    for pk in others:
        emit_member(channel, pk, "added")
    return channel


def _manageable(actor: Any, channel: Channel) -> User:
    actor = require_active(actor)
    if channel.is_direct:
        raise ActionError(_("A direct conversation has no settings to change."), code="direct")
    if not abilities(actor, channel)["manage"]:
        raise Forbidden(_("You may not manage this channel."))
    return actor


@transaction.atomic
def do_update_channel(actor: Any, channel: Channel, *, name: str | None = None,
                      topic: str | None = None) -> Channel:
    _manageable(actor, channel)
    changed = []
    if name is not None:
        name = check_name(name)
        if name != channel.name:
            assert channel.space is not None
            _lock_space(channel.space)
            _check_name_free(channel.space, name, exclude=channel.pk)
            channel.name = name
            changed.append("name")
    if topic is not None:
        topic = check_topic(topic)
        if topic != channel.topic:
            channel.topic = topic
            changed.append("topic")
    if changed:
        channel.save(update_fields=changed)
        emit_channel(channel)
    return channel


@transaction.atomic
def do_set_archived(actor: Any, channel: Channel, archived: bool) -> Channel:
    actor = _manageable(actor, channel)
    if (channel.archived_at is not None) == archived:
        return channel
    channel.archived_at = timezone.now() if archived else None
    channel.save(update_fields=["archived_at"])
    audit.record("chat.channel_archived" if archived else "chat.channel_unarchived",
                 actor=actor, target=channel, space_id=channel.space_id)
    emit_channel(channel)
    return channel


def join(channel: Channel, user: User) -> ChannelMember:
    """Make `user` a member (the caller checked they may); tells the channel and them."""
    member, created = ChannelMember.objects.get_or_create(
        channel=channel, user=user, defaults={"last_read_id": channel.last_message_id})
    if created:
        emit_member(channel, user.pk, "joined")
    return member


@transaction.atomic
def do_join_channel(actor: Any, channel: Channel) -> ChannelMember:
    actor = require_active(actor)
    can = abilities(actor, channel)
    if can["is_member"]:
        return ChannelMember.objects.get(channel=channel, user=actor)
    if not can["join"]:
        raise Forbidden(_("You may not join this channel."))
    return join(channel, actor)


@transaction.atomic
def do_leave_channel(actor: Any, channel: Channel) -> None:
    actor = require_active(actor)
    if channel.is_direct:
        raise ActionError(_("You cannot leave a direct conversation."), code="direct")
    deleted, _rows = ChannelMember.objects.filter(channel=channel, user=actor).delete()
    if not deleted:
        raise ActionError(_("You are not a member of this channel."), code="not_member")
    emit_member(channel, actor.pk, "left")


@transaction.atomic
def do_add_members(actor: Any, channel: Channel, users: Iterable[Any]) -> list[ChannelMember]:
    actor = require_active(actor)
    if channel.is_direct:
        raise ActionError(_("Nobody can be added to a direct conversation: start a new one "
                            "with everybody instead."), code="direct", field="members")
    if not abilities(actor, channel)["add_members"]:
        raise Forbidden(_("You may not add people to this channel."))
    rows = _add_rows(channel, _people_who_may_join(actor, channel, users))
    for row in rows:
        emit_member(channel, row.user_id, "added")
        if channel.kind == ChannelKind.PRIVATE:
            audit.record("chat.member_added", actor=actor, target=channel,
                         space_id=channel.space_id, user_id=row.user_id)
    return rows


@transaction.atomic
def do_remove_member(actor: Any, channel: Channel, user: User) -> None:
    actor = require_active(actor)
    if user.pk == actor.pk:
        do_leave_channel(actor, channel)
        return
    if channel.is_direct:
        raise ActionError(_("Nobody can be removed from a direct conversation."), code="direct")
    if not abilities(actor, channel)["remove_members"]:
        raise Forbidden(_("You may not remove people from this channel."))
    deleted, _rows = ChannelMember.objects.filter(channel=channel, user=user).delete()
    if not deleted:
        raise ActionError(_("This person is not a member of the channel."), code="not_member")
    audit.record("chat.member_removed", actor=actor, target=channel, space_id=channel.space_id,
                 user_id=user.pk)
    emit_member(channel, user.pk, "removed")


@transaction.atomic
def do_open_direct(actor: Any, users: Iterable[Any]) -> Channel:
    """The conversation between the actor and these people: the same one every time for the
    same people, created the first time."""
    actor = require_active(actor)
    if not module_state.enabled_for_instance(MODULE):
        raise Forbidden(_("The chat is switched off."))
    ids = {u.pk if hasattr(u, "pk") else int(u) for u in users} - {actor.pk}
    if not ids:
        raise ActionError(_("Choose at least one other person."), code="required",
                          field="users")
    if len(ids) > MAX_DIRECT_OTHERS:
        raise ActionError(_("A group conversation holds at most %(max)d other people.")
                          % {"max": MAX_DIRECT_OTHERS}, code="too_many", field="users")
    reachable = set(User.objects.restrict(actor).filter(pk__in=ids, is_active=True)
                    .values_list("pk", flat=True))
    if reachable != ids:
        raise ActionError(_("Some of these people cannot be reached."), code="not_allowed",
                          field="users")
    everyone = sorted(ids | {actor.pk})
    key = ",".join(str(pk) for pk in everyone)
    existing = Channel.objects.filter(direct_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            channel = Channel.objects.create(kind=ChannelKind.DIRECT, direct_key=key,
                                             created_by=actor)
    except IntegrityError:  # opened by someone else at the same moment
        return Channel.objects.get(direct_key=key)
    _add_rows(channel, everyone)
    emit_channel(channel)
    for pk in everyone:
        emit_member(channel, pk, "added" if pk != actor.pk else "joined")
    return channel
