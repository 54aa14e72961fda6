"""Full-text search of messages: only what the person may read now, newest first, with a safe
snippet; any query text is taken as plain words."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.utils import timezone

from atrium.kernel.abilities import abilities
from atrium.modules.chat.actions import (
    do_add_members,
    do_delete_message,
    do_edit_message,
    do_remove_member,
)
from atrium.modules.chat.actions.attachments import do_upload_attachment
from atrium.modules.chat.models import Message
from atrium.modules.chat.search import search_messages, search_terms
from tests.modules.chat.factories import CHAT_ROLES, make_channel, make_message

pytestmark = pytest.mark.django_db


def found_ids(user, text, **filters):
    return [m.pk for m in search_messages(user, text, **filters)]


def plant(chat):
    """One message holding the word 'zeppelin' in each conversation of the chat world."""
    w = chat.world
    return {
        "public": make_message(w.space_admin, chat.public, "The zeppelin leaves at noon"),
        "private": make_message(w.member, chat.private, "Board: zeppelin budget"),
        "direct": make_message(w.member, chat.direct, "zeppelin tickets for us two"),
        "direct_with_deactivated": make_message(w.member, chat.direct_with_deactivated,
                                                "zeppelin, privately"),
    }


EXPECTED = {
    # role: conversations whose message they find
    "anonymous": set(),
    "guest": {"public", "direct"},
    "outsider": set(),
    "reader": {"public", "private"},
    "member": {"public", "private", "direct", "direct_with_deactivated"},
    "space_admin": {"public", "private"},
    "org_admin": set(),  # a private space they do not belong to
    "deactivated": set(),
    "removed": {"public"},
}


@pytest.mark.parametrize("role", CHAT_ROLES)
def test_search_finds_only_what_each_role_may_read(chat, role):
    """Private channels, direct conversations and private spaces never leak to outsiders."""
    messages = plant(chat)
    user = chat.user(role)
    got = {name for name, message in messages.items()
           if message.pk in found_ids(user, "zeppelin")}
    assert got == EXPECTED[role]


@pytest.mark.parametrize("role", CHAT_ROLES)
def test_search_agrees_with_channel_abilities(chat, role):
    """A message is found exactly when abilities() lets the person view its channel."""
    messages = plant(chat)
    user = chat.user(role)
    found = set(found_ids(user, "zeppelin"))
    for message in messages.values():
        may_view = user is not None and abilities(user, message.channel)["view"]
        assert (message.pk in found) == may_view, message.channel


def test_secret_space_stays_hidden_from_org_admins_and_outsiders(db):
    """A public channel of a secret space is found by its members only."""
    from atrium.kernel.models import Visibility
    from tests.modules.chat.factories import make_chat_world

    chat = make_chat_world(Visibility.SECRET)
    message = make_message(chat.world.space_admin, chat.public, "zeppelin in the vault")
    assert message.pk in found_ids(chat.world.member, "zeppelin")
    for person in (chat.world.org_admin, chat.world.owner, chat.world.outsider):
        assert found_ids(person, "zeppelin") == []


def test_open_space_channels_are_found_by_non_members(db):
    """In an open space, members of the organisation read public channels, guests do not."""
    from atrium.kernel.models import Visibility
    from tests.modules.chat.factories import make_chat_world

    chat = make_chat_world(Visibility.OPEN)
    public = make_message(chat.world.space_admin, chat.public, "zeppelin for all")
    private = make_message(chat.world.member, chat.private, "zeppelin for some")
    assert found_ids(chat.world.outsider, "zeppelin") == [public.pk]
    assert private.pk in found_ids(chat.world.member, "zeppelin")


def test_removed_member_stops_finding_a_private_channel(chat):
    """Someone removed from a private channel no longer finds its messages, old or new."""
    w = chat.world
    do_add_members(w.space_admin, chat.private, [chat.removed])
    old = make_message(w.member, chat.private, "zeppelin before")
    assert found_ids(chat.removed, "zeppelin") == [old.pk]
    do_remove_member(w.space_admin, chat.private, chat.removed)
    make_message(w.member, chat.private, "zeppelin after")
    assert found_ids(chat.removed, "zeppelin") == []


def test_deleted_and_edited_messages(chat):
    """Deleted messages are never found; an edit replaces the words that are found."""
    w = chat.world
    gone = make_message(w.member, chat.public, "zeppelin to delete")
    edited = make_message(w.member, chat.public, "zeppelin draft")
    do_delete_message(w.member, gone)
    assert found_ids(w.member, "zeppelin") == [edited.pk]
    do_edit_message(w.member, edited, "airship final")
    assert found_ids(w.member, "zeppelin") == []
    assert found_ids(w.member, "airship") == [edited.pk]
    assert found_ids(w.member, "draft") == []


def test_accents_and_case_do_not_matter(chat):
    """'ete' finds 'été' and 'ÉTÉ' finds 'ete'."""
    w = chat.world
    summer = make_message(w.member, chat.public, "Réunion de l'été à l'hôpital")
    plain = make_message(w.member, chat.public, "ete sans accent")
    assert found_ids(w.member, "ete") == [plain.pk, summer.pk]
    assert found_ids(w.member, "ÉTÉ") == [plain.pk, summer.pk]
    assert found_ids(w.member, "hopital reunion") == [summer.pk]


def test_every_word_is_required_and_results_come_newest_first(chat):
    """Several words must all appear; the newest message comes first."""
    w = chat.world
    first = make_message(w.member, chat.public, "alpha beta")
    make_message(w.member, chat.public, "alpha only")
    third = make_message(w.member, chat.public, "beta and alpha")
    assert found_ids(w.member, "alpha beta") == [third.pk, first.pk]
    assert found_ids(w.member, "beta alpha") == [third.pk, first.pk]


HOSTILE = [
    '"', '""', '"zeppelin', "zeppelin\"", "zeppelin AND", "AND", "OR NOT", "NEAR(zeppelin x)",
    "*", "zep*", "^zeppelin", "-zeppelin", "body:zeppelin", "{body}: zeppelin", "(", ")",
    "zeppelin)", "'; DROP TABLE chat_message; --", "\x00", "zeppelin\x00", "\\", "%", "_",
    "zeppelin" * 2000, "a " * 5000, "🎈 zeppelin 🎈", "\u202e", "&lt;", "<b>", "\ue000zeppelin",
    "zeppelin & !x | y:*", "zeppelin <-> x", "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_query_text_never_raises(chat, text):
    """Quotes, FTS5 and tsquery operators, NUL and 10k characters are only words or nothing."""
    make_message(chat.world.member, chat.public, "zeppelin")
    found = search_messages(chat.world.member, text)
    assert isinstance(found, list)


def test_operators_are_plain_words(chat):
    """'zeppelin OR x' looks for both words, not either; a quoted word is that word."""
    w = chat.world
    make_message(w.member, chat.public, "zeppelin")
    assert found_ids(w.member, "zeppelin OR nothinghere") == []
    assert len(found_ids(w.member, '"zeppelin"')) == 1
    assert search_terms('NEAR("a" b)* c:d') == ["near", "a", "b", "c", "d"]
    assert search_terms("x" * 100) == []
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == 8


def test_snippet_is_escaped_and_highlighted(chat):
    """The snippet escapes the text and marks the matched word only."""
    w = chat.world
    make_message(w.member, chat.public, "<script>alert(1)</script> the zeppelin & co, 1 < 2")
    [found] = search_messages(w.member, "zeppelin")
    # SQLite keeps the tag as escaped text; PostgreSQL's headline leaves tags out.
    assert "<script" not in found.snippet
    assert "<mark>zeppelin</mark>" in found.snippet
    assert "&amp; co" in found.snippet and "1 &lt; 2" in found.snippet


def test_snippet_marks_stay_balanced_with_private_use_characters(chat):
    """Characters used internally as highlight marks cannot forge or unbalance <mark>."""
    w = chat.world
    make_message(w.member, chat.public, "\ue001 zeppelin \ue000 open")
    [found] = search_messages(w.member, "zeppelin")
    assert found.snippet.count("<mark>") == found.snippet.count("</mark>")


def test_filters(chat):
    """Channel, author, dates, attachments, pagination by id and the limit."""
    w = chat.world
    other = make_channel(w.space_admin, chat.space, name="other")
    a = make_message(w.member, chat.public, "zeppelin one")
    b = make_message(w.space_admin, chat.public, "zeppelin two")
    upload = do_upload_attachment(w.space_admin, other, BytesIO(b"notes"), "notes.txt")
    c = make_message(w.space_admin, other, "zeppelin three", attachments=[upload])
    assert found_ids(w.member, "zeppelin") == [c.pk, b.pk, a.pk]
    assert found_ids(w.member, "zeppelin", channel_id=chat.public.pk) == [b.pk, a.pk]
    assert found_ids(w.member, "zeppelin", channel_id=chat.private.pk) == []
    assert found_ids(w.outsider, "zeppelin", channel_id=chat.public.pk) == []
    assert found_ids(w.member, "zeppelin", author_id=w.space_admin.pk) == [c.pk, b.pk]
    assert found_ids(w.member, "zeppelin", has_attachment=True) == [c.pk]
    assert found_ids(w.member, "zeppelin", has_attachment=False) == [b.pk, a.pk]
    assert found_ids(w.member, "zeppelin", before_id=c.pk) == [b.pk, a.pk]
    assert found_ids(w.member, "zeppelin", limit=2) == [c.pk, b.pk]
    assert found_ids(w.member, "zeppelin", limit=0) == [c.pk]
    Message.objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(days=10))
    week_ago = timezone.now() - timedelta(days=7)
    assert found_ids(w.member, "zeppelin", after=week_ago) == [c.pk, b.pk]
    assert found_ids(w.member, "zeppelin", before=week_ago) == [a.pk]


def test_results_carry_channel_and_author_without_more_queries(chat, django_assert_max_num_queries):
    """Channel, space and author are loaded with the results; the query count is bounded."""
    w = chat.world
    for n in range(5):
        make_message(w.member, chat.public, f"zeppelin {n}")
    # PostgreSQL: settings, the planner's estimate, the search, settings restored.
    with django_assert_max_num_queries(16 if connection.vendor == "postgresql" else 13):
        found = search_messages(w.member, "zeppelin")
        names = [(m.channel.name, m.channel.space.name, m.author.display_name) for m in found]
    assert len(names) == 5


def test_replies_are_found_too(chat):
    """Thread replies are messages of the channel like any other."""
    w = chat.world
    root = make_message(w.member, chat.public, "question")
    reply = make_message(w.space_admin, chat.public, "zeppelin answer", thread_root=root)
    assert found_ids(w.member, "zeppelin") == [reply.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search plans")
@pytest.mark.parametrize(
    ("cap", "window"),
    [(10**9, 2),  # a rare word: the GIN index whole
     (0, 10**9),  # a common word: the walk over the newest ids finds everything
     (0, 2)],  # the walk finds too little: the rest from the channels or the index
)
@pytest.mark.parametrize("channels_cheaper", [True, False])
def test_every_postgresql_plan_gives_the_same_answer(chat, monkeypatch, cap, window,
                                                     channels_cheaper):
    """Whichever way PostgreSQL is told to search, the answer is the same."""
    from atrium.modules.chat import search_postgresql

    w = chat.world
    other = make_channel(w.space_admin, chat.space, name="other")
    expected = []
    for n in range(12):
        channel = (chat.public, other, chat.private, chat.direct)[n % 4]
        author = w.space_admin if channel is other else w.member
        message = make_message(author, channel, f"zeppelin {n}" if n % 3 else f"airship {n}")
        if n % 3:
            expected.append(message.pk)
    make_message(w.member, chat.public, "zeppelin gone").delete()
    expected.reverse()
    monkeypatch.setattr(search_postgresql, "CAP", cap)
    monkeypatch.setattr(search_postgresql, "WINDOW", window)
    monkeypatch.setattr(search_postgresql, "SMALL", 10**9 if channels_cheaper else 0)
    assert found_ids(w.member, "zeppelin") == expected
    assert found_ids(w.member, "zeppelin", limit=3) == expected[:3]
    assert found_ids(w.member, "zeppelin", before_id=expected[2]) == expected[3:]
    assert found_ids(w.member, "zeppelin", author_id=w.space_admin.pk) == [
        pk for pk in expected if Message.objects.get(pk=pk).channel_id == other.pk]
    assert found_ids(w.outsider, "zeppelin") == []
