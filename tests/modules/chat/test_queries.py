"""Reads: history pages, threads, pins, a space's channels, mentions, the feed and export;
always restricted to what the person may read, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel.errors import NotFound
from atrium.kernel.models import Visibility
from atrium.modules.chat import queries
from atrium.modules.chat.actions import do_delete_message, do_pin, do_react
from atrium.modules.chat.present import message_payload
from tests.modules.chat.factories import make_channel, make_chat_world, make_message


@pytest.mark.django_db
def test_history_pages_by_id(chat):
    w = chat.world
    ids = [make_message(w.member, chat.public, f"m{n}").pk for n in range(7)]
    make_message(w.member, chat.public, "reply", thread_root=make_message(w.member,
                                                                         chat.public, "root"))
    ids.append(ids[-1] + 1)  # the root; its reply stays in the thread
    newest = queries.history(w.guest, chat.public, limit=3)
    assert [m.pk for m in newest.messages] == ids[-3:]
    assert (newest.has_older, newest.has_newer) == (True, False)
    older = queries.history(w.guest, chat.public, before=newest.messages[0].pk, limit=3)
    assert [m.pk for m in older.messages] == ids[-6:-3]
    assert (older.has_older, older.has_newer) == (True, True)
    oldest = queries.history(w.guest, chat.public, before=older.messages[0].pk, limit=3)
    assert [m.pk for m in oldest.messages] == ids[:2]
    assert not oldest.has_older
    after = queries.history(w.guest, chat.public, after=ids[1], limit=2)
    assert [m.pk for m in after.messages] == ids[2:4]
    assert (after.has_older, after.has_newer) == (True, True)
    with pytest.raises(NotFound):
        queries.history(w.outsider, chat.public)
    with pytest.raises(NotFound):
        queries.history(w.guest, chat.private)


@pytest.mark.django_db
def test_history_query_count_is_constant(chat):
    """Authors, reactions, attachments and mentions are fetched once for the whole page."""
    w = chat.world

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            page = queries.history(w.member, chat.public, limit=50)
            [message_payload(m, w.member) for m in page.messages]
        return len(context.captured_queries)

    message = make_message(w.member, chat.public, f"<@{w.guest.pk}>")
    do_react(w.guest, message, "👍", True)
    few = count()
    for n in range(10):
        other = make_message(w.guest if n % 2 else w.space_admin, chat.public,
                             f"n{n} <@{w.member.pk}>")
        do_react(w.member, other, ":tada:", True)
    assert count() == few


@pytest.mark.django_db
def test_thread_and_access_message(chat):
    w = chat.world
    root = make_message(w.member, chat.public, "Root")
    first = make_message(w.guest, chat.public, "One", thread_root=root)
    second = make_message(w.member, chat.public, "Two", thread_root=root)
    assert [m.pk for m in queries.thread(w.reader, root)] == [root.pk, first.pk, second.pk]
    assert [m.pk for m in queries.thread(w.reader, first)] == [root.pk, first.pk, second.pk]
    assert queries.access_message(w.reader, first.pk) == first
    with pytest.raises(NotFound):
        queries.access_message(w.outsider, first.pk)
    with pytest.raises(NotFound):
        queries.access_message(w.reader, first.pk, "edit")
    with pytest.raises(NotFound):
        queries.thread(w.outsider, root)


@pytest.mark.django_db
def test_pins(chat):
    w = chat.world
    first = make_message(w.member, chat.public, "First")
    second = make_message(w.member, chat.public, "Second")
    do_pin(w.member, first, True)
    do_pin(w.member, second, True)
    assert queries.pins(w.reader, chat.public) == [second, first]
    do_delete_message(w.member, second)
    assert queries.pins(w.reader, chat.public) == [first]


@pytest.mark.django_db
def test_channels_of_space(chat):
    w = chat.world
    archived = make_channel(w.member, chat.space, name="old")
    from atrium.modules.chat.actions import do_set_archived

    do_set_archived(w.member, archived, True)
    seen = {c.name: (c.is_member, c.member_count)
            for c in queries.channels_of_space(w.member, chat.space)}
    assert seen == {"board": (True, 3), "general": (False, 1), "old": (True, 1)}
    assert [c.name for c in queries.channels_of_space(w.guest, chat.space)] == ["general",
                                                                                 "old"]
    assert queries.channels_of_space(w.outsider, chat.space) == []


@pytest.mark.django_db
def test_mentions_of_only_lists_readable_messages(chat):
    w = chat.world
    public = make_message(w.space_admin, chat.public, f"<@{w.member.pk}> hi")
    private = make_message(w.space_admin, chat.private, f"<@{w.member.pk}> psst")
    assert queries.mentions_of(w.member) == [private, public]
    from atrium.modules.chat.actions import do_remove_member

    do_remove_member(w.space_admin, chat.private, w.member)
    assert queries.mentions_of(w.member) == [public]
    assert queries.mentions_of(w.member, before=public.pk) == []


@pytest.mark.django_db
def test_recent_messages_for_the_feed():
    """Public channels of spaces where the person reads the chat; nothing else."""
    chat = make_chat_world(Visibility.OPEN)
    w = chat.world
    public = make_message(w.member, chat.public, "Public news " + "x" * 200)
    make_message(w.member, chat.private, "Private")
    make_message(w.member, chat.direct, "Direct")
    make_message(w.member, chat.public, "reply", thread_root=public)
    for role in ("member", "outsider", "guest"):
        (item,) = queries.recent_messages(chat.user(role), 10)
        assert item.message == public
    (item,) = queries.recent_messages(w.member, 10)
    assert str(item).startswith("#general: Public news") and len(str(item)) < 140
    assert item.space == chat.space and item.author == w.member
    assert item.get_absolute_url().startswith("/s/")
    assert queries.recent_messages(w.deactivated, 10) == []


@pytest.mark.django_db
def test_export_space(chat):
    w = chat.world
    make_message(w.member, chat.public, "Public")
    make_message(w.member, chat.private, "Private")
    gone = make_message(w.member, chat.private, "Gone")
    do_delete_message(w.member, gone)
    make_message(w.member, chat.direct, "Direct")
    rows = list(queries.export_space(chat.space))
    assert [(r["channel"], r["body"]) for r in rows] == [("general", "Public"),
                                                        ("board", "Private")]
    assert rows[0]["author"] == w.member.email
