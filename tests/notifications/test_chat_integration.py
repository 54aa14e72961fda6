"""Chat tells the notification centre of personal mentions and direct messages."""

from __future__ import annotations

import pytest

from atrium.notifications.models import Notification
from tests.modules.chat.factories import make_chat_world, make_message

pytestmark = pytest.mark.django_db


def test_personal_mention_in_a_channel_notifies_readers_only():
    """<@id> of a reader: kind "mention", keyed on the message; an outsider is not told."""
    chat = make_chat_world()
    w = chat.world
    message = make_message(w.member, chat.private,
                           f"Hi <@{w.reader.pk}> and <@{w.outsider.pk}> and <@{w.guest.pk}>")
    rows = Notification.objects.filter(key=f"chat.message:{message.pk}")
    assert [(n.recipient_id, n.kind, n.module_id) for n in rows] == [(w.reader.pk, "mention",
                                                                      "chat")]
    assert rows[0].url == f"/chat/c/{chat.private.pk}/" and rows[0].actor_id == w.member.pk


def test_a_plain_channel_message_notifies_nobody_in_the_centre():
    """Without a personal mention, channel messages stay in chat's own unread counts."""
    chat = make_chat_world()
    message = make_message(chat.world.member, chat.public, "Ward round at nine")
    assert not Notification.objects.filter(key=f"chat.message:{message.pk}").exists()


def test_a_direct_message_notifies_the_other_person_once():
    """A direct message: kind "direct_message" for the other person, never for the author."""
    chat = make_chat_world()
    w = chat.world
    message = make_message(w.member, chat.direct, f"Hello <@{w.guest.pk}>")
    rows = list(Notification.objects.filter(key=f"chat.message:{message.pk}"))
    assert [(n.recipient_id, n.kind) for n in rows] == [(w.guest.pk, "direct_message")]
    assert rows[0].excerpt == f"Hello @{w.guest.display_name}"
