"""The real-time audience of channels: who follows what, and the bulk rule behind it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from atrium.kernel.abilities import module_access, users_with_module_access
from atrium.kernel.actions.modules import do_configure_space_module
from atrium.kernel.models import Visibility
from atrium.modules.chat.actions import do_join_channel, do_remove_member
from atrium.realtime import audiences
from tests.modules.chat.factories import CHAT_ROLES, make_chat_world


def key(channel) -> str:
    return f"chat.channel:{channel.pk}"


def test_the_channel_kind_is_registered_with_typing():
    kind = audiences.get_kind("chat.channel")
    assert kind is not None and kind.signals == frozenset({"typing"})


@pytest.mark.django_db
def test_sockets_follow_their_channels_and_may_ask_for_public_ones(chat):
    w = chat.world
    followed = audiences.allowed(w.member)
    assert {key(chat.private), key(chat.direct), key(chat.direct_with_deactivated)} <= followed
    assert key(chat.public) not in followed  # not joined
    asked = audiences.allowed(w.member, [key(chat.public)])
    assert key(chat.public) in asked
    assert key(chat.private) not in audiences.allowed(w.guest, [key(chat.private)])
    assert audiences.allowed(w.deactivated, [key(chat.direct_with_deactivated)]) == set()
    assert audiences.allowed(AnonymousUser(), [key(chat.public)]) == set()


@pytest.mark.django_db
def test_removed_member_stops_following(chat):
    w = chat.world
    assert key(chat.private) in audiences.allowed(w.reader)
    do_remove_member(w.space_admin, chat.private, w.reader)
    assert key(chat.private) not in audiences.allowed(w.reader, [key(chat.private)])
    assert audiences.readable_keys(w.reader, [("chat.channel", chat.private.pk)]) == set()


@pytest.mark.django_db
def test_joining_adds_the_channel_to_what_sockets_follow(chat):
    do_join_channel(chat.world.guest, chat.public)
    assert key(chat.public) in audiences.allowed(chat.world.guest)


@pytest.mark.django_db
def test_switching_the_module_off_stops_following(chat):
    w = chat.world
    do_configure_space_module(w.space_admin, chat.space, "chat", enabled=False)
    w.member.__dict__.pop("_space_roles", None)
    followed = audiences.allowed(w.member, [key(chat.public)])
    assert key(chat.private) not in followed and key(chat.public) not in followed
    assert key(chat.direct) in followed


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", [Visibility.OPEN, Visibility.PRIVATE, Visibility.SECRET])
def test_users_with_module_access_agrees_with_module_access(visibility):
    """The kernel's bulk rule seen from a space gives module_access's answer for every role,
    at read and write, and with a reader-less setting."""
    chat = make_chat_world(visibility)
    people = [chat.user(r) for r in CHAT_ROLES if chat.user(r) is not None]
    ids = [p.pk for p in people]
    for _ in range(2):
        for need in ("read", "write"):
            found = users_with_module_access(chat.space, "chat", ids, need)
            for person in people:
                person.__dict__.pop("_space_roles", None)
                rank = {"none": 0, "read": 1, "write": 2}
                expected = rank[module_access(person, chat.space, "chat")] >= rank[need]
                assert (person.pk in found) == expected, (visibility, need, person)
        do_configure_space_module(chat.world.space_admin, chat.space, "chat",
                                  reader_access="none", member_access="read")
        chat.space.refresh_from_db()
