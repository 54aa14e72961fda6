"""Read positions, unread counts, read receipts and notification settings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel.errors import ActionError, Forbidden
from atrium.modules.chat import queries
from atrium.modules.chat.actions import do_mark_read, do_set_notify
from atrium.modules.chat.models import ChannelMember
from tests.modules.chat.conftest import records
from tests.modules.chat.factories import make_channel, make_direct, make_message


def row(channel, user):
    return ChannelMember.objects.get(channel=channel, user=user)


@pytest.mark.django_db
def test_mark_read_moves_forward_only_and_recounts_mentions(chat, pushed):
    w = chat.world
    first = make_message(w.member, chat.private, f"<@{w.reader.pk}> look")
    second = make_message(w.member, chat.private, f"<@{w.reader.pk}> again")
    assert row(chat.private, w.reader).unread_mentions == 2
    with pushed.commit():
        member = do_mark_read(w.reader, chat.private, first.pk)
    assert (member.last_read_id, member.unread_mentions) == (first.pk, 1)
    assert pushed.audiences("chat.read") == [f"user:{w.reader.pk}"]  # channel: no receipts
    do_mark_read(w.reader, chat.private, second.pk)
    do_mark_read(w.reader, chat.private, first.pk)  # backwards: ignored
    member = row(chat.private, w.reader)
    assert (member.last_read_id, member.unread_mentions) == (second.pk, 0)
    assert len(records("chat.read")) == 2


@pytest.mark.django_db
def test_mark_read_never_passes_the_newest_message(chat):
    """A client sending a huge id cannot mark messages not yet written as read."""
    w = chat.world
    message = make_message(w.member, chat.private, "Now")
    assert do_mark_read(w.reader, chat.private, 10**15).last_read_id == message.pk
    later = make_message(w.member, chat.private, "Later")
    assert queries.sidebar(w.reader).entries[0].unread == 1
    assert do_mark_read(w.reader, chat.private, later.pk).last_read_id == later.pk


@pytest.mark.django_db
def test_direct_read_positions_reach_the_other_members(chat, pushed):
    """In a direct conversation the read position is also sent to the conversation, for
    read receipts, and read_receipts() tells how far each member read."""
    w = chat.world
    message = make_message(w.member, chat.direct, "Seen?")
    with pushed.commit():
        do_mark_read(w.guest, chat.direct, message.pk)
    assert set(pushed.audiences("chat.read")) == {f"user:{w.guest.pk}",
                                                  f"chat.channel:{chat.direct.pk}"}
    assert queries.read_receipts(chat.direct) == {w.guest.pk: message.pk,
                                                  w.member.pk: message.pk}
    assert queries.read_receipts(chat.public) == {}


@pytest.mark.django_db
def test_mark_read_without_membership_or_rights(chat):
    w = chat.world
    message = make_message(w.member, chat.public, "Hi")
    assert do_mark_read(w.reader, chat.public, message.pk) is None  # read without joining
    with pytest.raises(Forbidden):
        do_mark_read(w.outsider, chat.public, message.pk)
    with pytest.raises(Forbidden):
        do_mark_read(chat.removed, chat.private, message.pk)


@pytest.mark.django_db
def test_set_notify(chat):
    w = chat.world
    member = do_set_notify(w.member, chat.private, level="all", muted=True)
    assert (member.notify, member.muted) == ("all", True)
    assert records("chat.member")[-1].audience_kind == "user"
    with pytest.raises(ActionError) as error:
        do_set_notify(w.member, chat.private, level="loud")
    assert error.value.field == "level"
    with pytest.raises(ActionError) as error:
        do_set_notify(w.guest, chat.private, muted=True)
    assert error.value.code == "not_member"


@pytest.mark.django_db
def test_sidebar_counts_unread_messages_by_others_in_the_main_flow(chat):
    w = chat.world
    do_mark_read(w.member, chat.private, chat.private.last_message_id)
    root = make_message(w.space_admin, chat.private, "One")
    make_message(w.space_admin, chat.private, "Two")
    make_message(w.space_admin, chat.private, "Reply", thread_root=root)  # not in the flow
    make_message(w.member, chat.private, "Mine")  # moves my read position
    make_message(w.space_admin, chat.private, f"Three <@{w.member.pk}>")
    make_message(w.guest, chat.direct, "Psst")
    bar = queries.sidebar(w.member)
    (space_group,) = bar.spaces
    assert space_group.space == chat.space
    (board,) = [e for e in space_group.channels if e.channel == chat.private]
    assert (board.unread, board.unread_mentions) == (1, 1)
    titles = [e.title for e in bar.direct]
    assert titles == ["Gaby Guest", "Dora Deactivated"]  # latest first
    assert bar.direct[0].unread == 1


@pytest.mark.django_db
def test_sidebar_leaves_out_what_the_person_may_no_longer_read(chat):
    """A private channel of a space the person left, an archived channel."""
    from atrium.kernel.actions.spaces import do_remove_member as leave_space
    from atrium.modules.chat.actions import do_set_archived

    w = chat.world
    leave_space(w.space_admin, chat.space, w.reader)
    w.reader.__dict__.pop("_space_roles", None)
    assert queries.sidebar(w.reader).entries == []
    do_set_archived(w.space_admin, chat.private, True)
    assert {e.channel for e in queries.sidebar(w.member).entries} == {
        chat.direct, chat.direct_with_deactivated}


@pytest.mark.django_db
def test_sidebar_query_count_does_not_grow_with_channels(chat):
    """Unread counts of 3 or 13 channels and conversations cost the same queries."""
    w = chat.world

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            entries = queries.sidebar(w.member).entries
        assert all(e.unread >= 0 for e in entries)
        return len(context.captured_queries)

    make_message(w.space_admin, chat.private, "Unread")
    few = count()
    for n in range(8):
        channel = make_channel(w.space_admin, chat.space, name=f"c{n}", members=[w.member])
        make_message(w.space_admin, channel, "Unread")
    make_message(w.reader, make_direct(w.reader, w.member), "Hi")
    make_message(w.reader, make_direct(w.reader, w.member, w.guest), "Hi all")
    many = count()
    assert len(queries.sidebar(w.member).entries) == 13
    assert many == few
