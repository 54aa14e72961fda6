"""Who may do what in chat, for every role: channel abilities, message abilities, the bulk
rules used by the real-time audience and search, and fetch-and-check; they must agree."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from atrium.kernel.abilities import abilities
from atrium.kernel.actions.modules import do_configure_space_module, do_switch_instance_module
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Visibility
from atrium.modules.chat import queries
from atrium.modules.chat.abilities import (
    channels_followed,
    readable_channel_ids,
    readers_among,
)
from tests.modules.chat.factories import CHAT_ROLES, make_chat_world, make_message

KEYS = ("view", "post", "join", "manage", "add_members", "remove_members", "moderate")
NONE = (0, 0, 0, 0, 0, 0, 0)
READ_ONLY = (1, 0, 0, 0, 0, 0, 0)
WRITER = (1, 1, 1, 0, 0, 0, 0)  # may join a public channel
IN_IT = (1, 1, 0, 0, 0, 0, 0)
ADMIN = (1, 1, 0, 1, 1, 1, 1)

# role -> abilities in the public channel, the private channel, the member/guest conversation
PRIVATE_SPACE = {
    "anonymous": (NONE, NONE, NONE),
    "guest": (WRITER, NONE, IN_IT),
    "outsider": (NONE, NONE, NONE),
    "reader": (READ_ONLY, READ_ONLY, NONE),
    "member": (WRITER, IN_IT, IN_IT),
    "space_admin": (ADMIN, ADMIN, NONE),
    # Governs the space's channels but reads none of them (a private space it is not in);
    # may not add anyone to a private channel it is not in.
    "org_admin": ((0, 0, 0, 1, 1, 1, 0), (0, 0, 0, 1, 0, 1, 0), NONE),
    "deactivated": (NONE, NONE, NONE),
    "removed": (WRITER, NONE, NONE),
}
OPEN_SPACE = {
    **PRIVATE_SPACE,
    "outsider": (READ_ONLY, NONE, NONE),
    "org_admin": ((1, 0, 0, 1, 1, 1, 1), (0, 0, 0, 1, 0, 1, 0), NONE),
}


def viewer(chat, role):
    return chat.user(role) or AnonymousUser()


def got(user, channel):
    can = abilities(user, channel)
    return tuple(int(can[key]) for key in KEYS)


@pytest.mark.django_db
@pytest.mark.parametrize(("visibility", "expected"), [(Visibility.PRIVATE, PRIVATE_SPACE),
                                                      (Visibility.OPEN, OPEN_SPACE)])
def test_channel_abilities_for_every_role(visibility, expected):
    """Each role gets exactly the expected abilities on each kind of channel."""
    chat = make_chat_world(visibility)
    for role in CHAT_ROLES:
        user = viewer(chat, role)
        for channel, want in zip((chat.public, chat.private, chat.direct), expected[role],
                                 strict=True):
            assert got(user, channel) == want, (role, channel.kind)


@pytest.mark.django_db
def test_nobody_but_its_members_reads_a_direct_conversation(chat):
    """Not even the owner of the organisation; a deactivated member neither reads nor posts."""
    assert abilities(chat.world.owner, chat.direct)["view"] is False
    member = abilities(chat.world.member, chat.direct_with_deactivated)
    assert member["view"] and member["post"]
    gone = abilities(chat.world.deactivated, chat.direct_with_deactivated)
    assert not gone["view"] and not gone["post"]


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.OPEN])
def test_bulk_rules_agree_with_abilities(visibility):
    """readable_channel_ids, channels_followed, readers_among and access_channel give the
    same answer as abilities()["view"] for every role and channel."""
    chat = make_chat_world(visibility)
    channels = [chat.public, chat.private, chat.direct, chat.direct_with_deactivated]
    ids = {c.pk for c in channels}
    people = [chat.user(role) for role in CHAT_ROLES if chat.user(role) is not None]
    for role in CHAT_ROLES:
        user = viewer(chat, role)
        can_view = {c.pk for c in channels if abilities(user, c)["view"]}
        assert readable_channel_ids(user, ids) == can_view, role
        members = {c.pk for c in channels if abilities(user, c)["is_member"]}
        assert channels_followed(user) == can_view & members, role
        for channel in channels:
            if channel.pk in can_view:
                assert queries.access_channel(user, channel.pk) == channel
            else:
                with pytest.raises(NotFound):
                    queries.access_channel(user, channel.pk)
    for channel in channels:
        readers = readers_among(channel, [p.pk for p in people])
        assert readers == {p.pk for p in people if abilities(p, channel)["view"]}, channel


@pytest.mark.django_db
def test_module_switched_off_in_the_space_hides_its_channels(chat):
    """Off in the space: nothing of its channels is readable by anyone, nothing manageable;
    direct conversations live in no space and stay."""
    do_configure_space_module(chat.world.space_admin, chat.space, "chat", enabled=False)
    chat.space.refresh_from_db()
    for role in CHAT_ROLES:
        user = viewer(chat, role)
        user.__dict__.pop("_space_roles", None)
        for channel in (chat.public, chat.private):
            channel.refresh_from_db()
            assert got(user, channel) == NONE, role
        assert readable_channel_ids(user, [chat.public.pk, chat.private.pk]) == set()
    assert abilities(chat.world.member, chat.direct)["view"]


@pytest.mark.django_db
def test_module_switched_off_for_the_instance_hides_everything(chat):
    """Off for the instance: not even direct conversations are readable."""
    do_switch_instance_module(chat.world.owner, "chat", False)
    member = chat.world.member
    for channel in (chat.public, chat.private, chat.direct):
        assert not abilities(member, channel)["view"]
    assert readable_channel_ids(member, [chat.public.pk, chat.direct.pk]) == set()
    assert channels_followed(member) == set()
    assert queries.sidebar(member).entries == []


MESSAGE_KEYS = ("view", "edit", "delete", "history", "react", "pin", "reply")


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "want"), [
    ("anonymous", (0, 0, 0, 0, 0, 0, 0)),
    ("guest", (1, 0, 0, 0, 1, 1, 1)),
    ("outsider", (0, 0, 0, 0, 0, 0, 0)),
    ("reader", (1, 0, 0, 0, 0, 0, 0)),
    ("member", (1, 1, 1, 0, 1, 1, 1)),  # the author
    ("space_admin", (1, 0, 1, 1, 1, 1, 1)),
    ("org_admin", (0, 0, 0, 0, 0, 0, 0)),  # private space it is not in: cannot read
    ("deactivated", (0, 0, 0, 0, 0, 0, 0)),
    ("removed", (1, 0, 0, 0, 1, 1, 1)),
])
def test_message_abilities_for_every_role(chat, role, want):
    """Authors edit and delete their own; admins who read the channel delete and read the
    history; writers react, pin and reply; readers only read."""
    message = make_message(chat.world.member, chat.public, "Hello")
    can = abilities(viewer(chat, role), message)
    assert tuple(int(can[key]) for key in MESSAGE_KEYS) == want


@pytest.mark.django_db
def test_org_admin_moderates_channels_it_can_read():
    """In an open space the organisation's admin reads public channels and may delete any
    message and read its history, but not edit it."""
    chat = make_chat_world(Visibility.OPEN)
    message = make_message(chat.world.member, chat.public, "Hello")
    can = abilities(chat.world.org_admin, message)
    assert (can["delete"], can["history"], can["edit"]) == (True, True, False)


@pytest.mark.django_db
def test_archived_channel_is_read_only(chat):
    """Archived: still readable, but nobody posts, reacts or pins any more."""
    from atrium.modules.chat.actions import do_set_archived

    message = make_message(chat.world.member, chat.public, "Before")
    do_set_archived(chat.world.space_admin, chat.public, True)
    for role in ("member", "space_admin", "guest"):
        can = abilities(chat.user(role), chat.public)
        assert can["view"] and not can["post"] and not can["react"], role
        assert not abilities(chat.user(role), message)["edit"]
