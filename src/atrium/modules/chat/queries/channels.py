"""Reads of channels: a space's channels and a person's sidebar."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q

from atrium.kernel import modules as module_state
from atrium.kernel.abilities import (
    has_access,
    is_active_user,
    module_access,
    spaces_with_module_access,
)
from atrium.kernel.models import Access, Space, User
from atrium.modules.chat.abilities import MODULE
from atrium.modules.chat.models import Channel, ChannelKind, ChannelMember, Message
from atrium.modules.chat.queries.messages import MAIN_FLOW


def channels_of_space(user: Any, space: Space) -> list[Channel]:
    """The space's public channels and the private ones `user` is in, archived included,
    each annotated with `is_member` and `member_count` (active people)."""
    if not has_access(module_access(user, space, MODULE), Access.READ):
        return []
    mine = Exists(ChannelMember.objects.filter(channel=OuterRef("pk"), user_id=user.pk))
    return list(Channel.objects.filter(space=space)
                .annotate(is_member=mine, member_count=Count(
                    "members", filter=Q(members__user__is_active=True)))
                .filter(Q(kind=ChannelKind.PUBLIC) | Q(is_member=True))
                .order_by("name", "id"))


@dataclass
class SidebarEntry:
    channel: Channel
    member: ChannelMember
    unread: int = 0
    others: list[User] = field(default_factory=list)  # direct conversations: the others

    @property
    def unread_mentions(self) -> int:
        return self.member.unread_mentions

    @property
    def title(self) -> str:
        if self.channel.is_direct:
            return ", ".join(person.display_name for person in self.others)
        return self.channel.name


@dataclass
class SidebarSpace:
    space: Space
    channels: list[SidebarEntry]


@dataclass
class Sidebar:
    spaces: list[SidebarSpace] = field(default_factory=list)
    direct: list[SidebarEntry] = field(default_factory=list)

    @property
    def entries(self) -> list[SidebarEntry]:
        return [e for group in self.spaces for e in group.channels] + self.direct


def _unread_counts(user: Any, channel_ids: list[int]) -> dict[int, int]:
    """Unread messages of the main flow per channel, by others, not deleted: one query."""
    if not channel_ids:
        return {}
    rows = (Message.objects
            .filter(channel_id__in=channel_ids, channel__members__user_id=user.pk,
                    id__gt=F("channel__members__last_read_id"), deleted_at__isnull=True)
            .filter(MAIN_FLOW).exclude(author_id=user.pk)
            .order_by().values("channel_id").annotate(n=Count("id")))
    return {row["channel_id"]: row["n"] for row in rows}


def sidebar(user: Any) -> Sidebar:
    """The channels `user` is a member of and may read, grouped by space (by name), then the
    direct conversations (latest first), each with its unread and mention counts; archived
    channels are left out. A constant number of queries, whatever the number of channels."""
    if not is_active_user(user):
        return Sidebar()
    members = list(ChannelMember.objects.filter(user_id=user.pk, channel__archived_at__isnull=True)
                   .select_related("channel__space"))
    spaces: set[int] = set()
    if any(not m.channel.is_direct for m in members):
        spaces = set(spaces_with_module_access(user, MODULE, Access.READ))
    direct_on = any(m.channel.is_direct for m in members) \
        and module_state.enabled_for_instance(MODULE)
    kept = [m for m in members
            if (direct_on if m.channel.is_direct else m.channel.space_id in spaces)]
    counts = _unread_counts(user, [m.channel_id for m in kept
                                   if m.channel.last_message_id > m.last_read_id])
    entries = {m.channel_id: SidebarEntry(m.channel, m, counts.get(m.channel_id, 0))
               for m in kept}
    direct_ids = [m.channel_id for m in kept if m.channel.is_direct]
    for other in (ChannelMember.objects.filter(channel_id__in=direct_ids)
                  .exclude(user_id=user.pk).select_related("user").order_by("user__full_name")):
        entries[other.channel_id].others.append(other.user)
    groups: dict[int, SidebarSpace] = {}
    direct: list[SidebarEntry] = []
    for entry in entries.values():
        space = entry.channel.space
        if space is None:
            direct.append(entry)
        else:
            groups.setdefault(space.pk, SidebarSpace(space, [])).channels.append(entry)
    for group in groups.values():
        group.channels.sort(key=lambda e: (e.channel.name.casefold(), e.channel.pk))
    direct.sort(key=lambda e: e.channel.last_message_at or e.channel.created_at, reverse=True)
    return Sidebar(sorted(groups.values(), key=lambda g: (g.space.name.casefold(), g.space.pk)),
                   direct)
