"""Chat test data, made through the chat's own actions (so every invariant holds)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from atrium.kernel.actions.people import do_deactivate_user, do_reactivate_user
from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.models import Space, SpaceRole, User, Visibility
from atrium.modules.chat.actions import (
    do_create_channel,
    do_open_direct,
    do_post_message,
    do_remove_member,
)
from atrium.modules.chat.models import Channel, ChannelKind, Message
from tests.factories import World, make_user, make_world

_counter = itertools.count(1)


def make_channel(actor: User, space: Space, *, name: str | None = None,
                 kind: str = ChannelKind.PUBLIC, members: Iterable[User] = (),
                 topic: str = "") -> Channel:
    return do_create_channel(actor, space, name=name or f"channel-{next(_counter)}", kind=kind,
                             topic=topic, members=members)


def make_direct(actor: User, *others: User) -> Channel:
    return do_open_direct(actor, others)


def make_message(actor: User | None, channel: Channel, body: str = "Hello", **options: Any
                 ) -> Message:
    return do_post_message(actor, channel, body, **options)


CHAT_ROLES = ["anonymous", "guest", "outsider", "reader", "member", "space_admin", "org_admin",
              "deactivated", "removed"]


@dataclass
class ChatWorld:
    """`make_world()` plus chat: the guest is a member of the space; a public channel; a
    private channel (created by the space admin, with the member, the reader, the later
    deactivated person, and someone removed from it); a direct conversation between the
    member and the guest, and one between the member and the deactivated person."""

    world: World
    removed: User
    public: Channel
    private: Channel
    direct: Channel
    direct_with_deactivated: Channel

    def user(self, role: str) -> User | None:
        if role == "removed":
            return self.removed
        return self.world.user(role)

    @property
    def space(self) -> Space:
        return self.world.space


def make_chat_world(visibility: str = Visibility.PRIVATE) -> ChatWorld:
    world = make_world(visibility)
    admin = world.space_admin
    do_add_member(admin, world.space, world.guest, SpaceRole.MEMBER)
    removed = make_user(name="Rémy Removed")
    do_add_member(admin, world.space, removed, SpaceRole.MEMBER)
    do_reactivate_user(world.owner, world.deactivated)
    public = make_channel(admin, world.space, name="general", topic="Everything")
    private = make_channel(admin, world.space, name="board", kind=ChannelKind.PRIVATE,
                           members=[world.member, world.reader, world.deactivated, removed])
    direct = make_direct(world.member, world.guest)
    with_deactivated = make_direct(world.member, world.deactivated)
    do_remove_member(admin, private, removed)
    do_deactivate_user(world.owner, world.deactivated)
    for person in (admin, world.member, world.reader, world.guest, world.outsider, removed,
                   world.org_admin, world.deactivated):
        person.__dict__.pop("_space_roles", None)
        person.refresh_from_db()
    return ChatWorld(world, removed, public, private, direct, with_deactivated)
