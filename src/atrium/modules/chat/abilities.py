"""Who may do what in chat.

Channels in a space follow the chat module's access there (`module_access`): reading a public
channel needs READ, posting, reacting, pinning and joining need WRITE; a private channel is
read by its members only, who must still have READ on the module. Archived channels (or
channels of an archived space) are read-only.

Managing a channel (rename, topic, archive, add and remove members) belongs to its creator,
the space's admins and the organisation's admins. Admins who are not members of a private
channel may rename, archive it and remove people from it (governance), but they never read
it and may not add anyone to it, themselves included: only its members can open it to others.

Direct conversations are read by their members only, whatever anyone's role: no admin reads
them, and a deactivated member neither reads nor posts.

`readable_channel_ids` and `channels_followed` are the bulk forms used by the real-time
audience and by search; a test checks they agree with `abilities()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from atrium.kernel import modules as module_state
from atrium.kernel.abilities import (
    abilities_of,
    has_access,
    is_active_user,
    module_access,
    space_role,
    spaces_with_module_access,
    users_with_module_access,
)
from atrium.kernel.models import Access, Space, SpaceRole, User
from atrium.modules.chat.models import Channel, ChannelKind, ChannelMember, Message

MODULE = "chat"
CHANNEL_ABILITIES = ("view", "post", "react", "pin", "join", "leave", "manage", "add_members",
                     "remove_members", "moderate", "is_member")


def is_space_manager(user: Any, space: Space) -> bool:
    """Space admins, the organisation's admins (except in personal spaces) and the owner of a
    personal space: those who govern a space's channels."""
    if not is_active_user(user):
        return False
    own_personal = space.is_personal and space.personal_owner_id == user.pk
    return (space_role(user, space) == SpaceRole.ADMIN or own_personal
            or (user.is_org_admin and not space.is_personal))


def is_member(user: Any, channel: Channel) -> bool:
    if not is_active_user(user):
        return False
    return ChannelMember.objects.filter(channel_id=channel.pk, user_id=user.pk).exists()


@abilities_of.register
def _channel_abilities(channel: Channel, user: Any) -> dict[str, bool]:
    can = dict.fromkeys(CHANNEL_ABILITIES, False)
    if not is_active_user(user):
        return can
    if channel.is_direct:
        member = is_member(user, channel) and module_state.enabled_for_instance(MODULE)
        writable = member and channel.archived_at is None
        can.update(view=member, post=writable, react=writable, pin=writable, is_member=member)
        return can
    member = is_member(user, channel)
    space = channel.space
    assert space is not None  # the database constraint holds it
    access = module_access(user, space, MODULE)
    read, write = has_access(access, Access.READ), has_access(access, Access.WRITE)
    public = channel.kind == ChannelKind.PUBLIC
    archived = channel.archived_at is not None or space.archived_at is not None
    view = read and (public or member)
    writer = view and write and not archived
    manager = is_space_manager(user, space) and module_state.enabled_in_space(space, MODULE)
    manage = manager or (channel.created_by_id == user.pk and view and write)
    can.update(
        view=view, post=writer, react=writer, pin=writer,
        join=public and write and not member and not archived,
        leave=member,
        manage=manage,
        add_members=manage and not archived and (public or member),
        remove_members=manage,
        moderate=manager and view,
        is_member=member,
    )
    return can


def message_abilities(message: Message, user: Any, can: dict[str, bool]) -> dict[str, bool]:
    """A message's abilities from its channel's (`can`), without any query: lists compute
    the channel's once and call this for each message."""
    deleted = message.deleted_at is not None
    own = (is_active_user(user) and message.author_id is not None
           and message.author_id == user.pk)
    live = can["view"] and not deleted
    return {
        "view": can["view"],
        "reply": can["post"] and not deleted and message.thread_root_id is None,
        "edit": live and own and can["post"],
        "delete": live and (own or can["moderate"]),
        "history": can["view"] and can["moderate"],
        "react": can["react"] and not deleted,
        "pin": can["pin"] and not deleted,
    }


@abilities_of.register
def _message_abilities(message: Message, user: Any) -> dict[str, bool]:
    return message_abilities(message, user, abilities_of(message.channel, user))


def _filter_readable(user: Any, rows: Iterable[tuple[int, str, int | None]],
                     member_of: set[int]) -> set[int]:
    rows = list(rows)
    spaces: set[int] = set()
    if any(kind != ChannelKind.DIRECT for _pk, kind, _space in rows):
        spaces = set(spaces_with_module_access(user, MODULE, Access.READ))
    direct_on = any(kind == ChannelKind.DIRECT for _pk, kind, _space in rows) \
        and module_state.enabled_for_instance(MODULE)
    found = set()
    for pk, kind, space_id in rows:
        if kind == ChannelKind.DIRECT:
            ok = direct_on and pk in member_of
        else:
            ok = space_id in spaces and (kind == ChannelKind.PUBLIC or pk in member_of)
        if ok:
            found.add(pk)
    return found


def readable_channel_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Which of these channels `user` may read now, in a bounded number of queries.

    The same rule as `abilities(user, channel)["view"]`, except that channels of archived
    spaces are left out (as `spaces_with_module_access` leaves those spaces out of lists).
    """
    wanted = {int(i) for i in ids}
    if not wanted or not is_active_user(user):
        return set()
    rows = Channel.objects.filter(pk__in=wanted).values_list("pk", "kind", "space_id")
    member_of = set(ChannelMember.objects.filter(user_id=user.pk, channel_id__in=wanted)
                    .values_list("channel_id", flat=True))
    return _filter_readable(user, rows, member_of)


def channels_followed(user: Any) -> set[int]:
    """Channels `user` is a member of and may still read: their sockets follow these."""
    if not is_active_user(user):
        return set()
    rows = list(ChannelMember.objects.filter(user_id=user.pk)
                .values_list("channel_id", "channel__kind", "channel__space_id"))
    return _filter_readable(user, rows, {pk for pk, _kind, _space in rows})


def readers_among(channel: Channel, user_ids: Iterable[int]) -> set[int]:
    """Which of these people may read `channel` now (the reverse of `readable_channel_ids`):
    those a mention or a notification may reach. A few queries, whatever their number."""
    ids = {int(i) for i in user_ids}
    if not ids:
        return set()
    if channel.is_direct:
        if not module_state.enabled_for_instance(MODULE):
            return set()
        return set(ChannelMember.objects.filter(channel_id=channel.pk, user_id__in=ids,
                                                user__is_active=True)
                   .values_list("user_id", flat=True))
    space = channel.space
    assert space is not None
    if space.archived_at is not None:
        return set()
    allowed = users_with_module_access(space, MODULE, ids, Access.READ)
    if channel.kind == ChannelKind.PRIVATE and allowed:
        allowed &= set(ChannelMember.objects.filter(channel_id=channel.pk, user_id__in=allowed)
                       .values_list("user_id", flat=True))
    return allowed


def visible_people(viewer: Any, user_ids: Iterable[int]) -> set[int]:
    """Which of these people `viewer` may see (everyone for members, co-members for guests)."""
    ids = {int(i) for i in user_ids}
    if not ids:
        return set()
    return set(User.objects.restrict(viewer).filter(pk__in=ids).values_list("pk", flat=True))
