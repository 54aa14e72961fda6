"""Events pushed after commit, ids only; notifications sent once to the right people;
mentions, hashtags and the XSS corpus in rendered text."""

from __future__ import annotations

import contextlib
from html.parser import HTMLParser

import pytest

from atrium.kernel.models import EventRecord
from atrium.modules.feed import actions, text
from atrium.modules.feed.actions.common import render_text
from atrium.realtime import publish
from tests.factories import make_space
from tests.modules.feed.helpers import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(monkeypatch, django_capture_on_commit_callbacks):
    """What is pushed; nothing before the end of `with pushed.commit():`."""
    found: list[dict] = []
    monkeypatch.setattr(publish, "publish", found.append)

    @contextlib.contextmanager
    def commit():
        before = len(found)
        with django_capture_on_commit_callbacks(execute=True):
            yield
            assert len(found) == before, "pushed before the commit"

    return found, commit


def test_each_action_pushes_its_event_after_commit_with_ids_only(world, pushed):
    """Create, comment, react, vote, confirm, edit, delete: one event each, after commit,
    to the space's audience, carrying ids only."""
    found, commit = pushed
    with commit():
        made = post(world.space_admin, world.space, "secret words", announce=True,
                    requires_confirmation=True,
                    poll=actions.PollSpec(options=["a", "b"]))
    with commit():
        comment = actions.do_comment(world.member, made, body="more words")
    with commit():
        actions.do_react(world.member, made, "👍")
    with commit():
        actions.do_vote(world.member, made.poll, [made.poll.options.first().pk])
    with commit():
        actions.do_confirm(world.member, made)
    with commit():
        actions.do_edit_comment(world.member, comment, body="changed")
    with commit():
        actions.do_delete_post(world.space_admin, made)
    events = [e for e in found if e["k"] == "event" and e["e"].startswith("feed.")]
    types = [e["e"] for e in events]
    assert types == ["feed.post.created", "feed.comment.added", "feed.reactions", "feed.poll",
                     "feed.confirmed", "feed.comment.changed", "feed.post.deleted"]
    for record in EventRecord.objects.filter(type__startswith="feed."):
        assert "words" not in str(record.payload)
        assert record.audience_kind == "space" and record.audience_id == world.space.pk


def notes(user, kind=None):
    from atrium.notifications.models import Notification

    found = Notification.objects.filter(recipient=user)
    return list(found.filter(kind=kind) if kind else found)


def test_mention_comment_reply_reaction_notifications_once_each(world):
    """Mentioned people, the post's author, the answered commenter and reacted-to authors
    are told once; the actor never; outsiders never."""
    made = post(world.member, world.space,
                f"Hello <@{world.reader.pk}> and <@{world.outsider.pk}>")
    assert len(notes(world.reader, "mention")) == 1
    assert notes(world.outsider) == []
    top = actions.do_comment(world.space_admin, made, body=f"ok <@{world.member.pk}>")
    assert len(notes(world.member, "mention")) == 1 and notes(world.member, "comment") == []
    actions.do_comment(world.member, made, body="answer", parent=top)
    assert len(notes(world.space_admin, "reply")) == 1
    assert notes(world.member, "reply") == []
    actions.do_react(world.space_admin, made, "👍")
    actions.do_react(world.space_admin, made, "👍")
    actions.do_react(world.space_admin, made, "👍")
    assert len(notes(world.member, "reaction")) == 1


def test_announcement_tells_members_and_share_tells_the_author(world):
    """Pinning tells the space's members (confirmation request when asked); a share tells
    the original's author when they may read where it was shared."""
    made = post(world.space_admin, world.space, "Read me", announce=True,
                requires_confirmation=True)
    assert len(notes(world.member, "confirmation_request")) == 1
    assert notes(world.outsider) == []
    open_space = make_space(world.outsider)
    original = post(world.outsider, open_space, "nice")
    actions.do_share_post(world.member, original, world.space)
    assert notes(world.outsider, "share") == []  # a space they may not read: not told
    actions.do_share_post(world.member, original, make_space(world.member))
    assert len(notes(world.outsider, "share")) == 1
    assert made.pk


def test_mentions_hashtags_not_in_code_or_links(world):
    """Mentions and hashtags become links in text, never inside code or link texts; names
    of people the author may not see and secret spaces stay as typed."""
    secret = make_space(world.member, "secret")
    body = (f"<@{world.reader.pk}> <#{world.space.pk}> <#{secret.pk}> #Santé #42 #a "
            f"`#code <@{world.reader.pk}>` [#inlink](https://example.org) x#glued")
    rendered = render_text(world.member, body)
    assert rendered.user_ids == [world.reader.pk]
    assert rendered.space_ids == [world.space.pk]
    assert rendered.hashtags == ["santé"]
    assert "Cardiology" in rendered.html and secret.name not in rendered.html
    assert '<a class="hashtag" href="/feed/tags/sant%C3%A9/"' in rendered.html
    assert "<code>#code &lt;@" in rendered.html


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "#tag<script>alert(1)</script>",
    "#\"><svg/onload=alert(1)>",
    "<@1\"><script>alert(1)</script>>",
    "<a href=\"javascript:alert(1)\">x</a>",
])
def test_xss_corpus_never_executes(world, payload):
    """No script, event handler or javascript: URL survives the renderer."""
    html = text.render(payload, {1: "<b>Evil\"name</b>"}).html
    tags = _Tags()
    tags.feed(html)
    assert not {"script", "img", "svg", "b", "iframe"} & {t for t, _ in tags.found}
    for _tag, attrs in tags.found:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))
