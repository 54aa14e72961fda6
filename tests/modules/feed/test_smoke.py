"""First end-to-end pass through the feed's domain."""

from __future__ import annotations

import pytest

from atrium.modules.feed import actions, queries
from tests.modules.feed.helpers import png, post


@pytest.mark.django_db
def test_post_comment_react_vote_and_home_feed(world):
    """A member posts with an image and a poll; others comment, react, vote; feeds show it."""
    p = post(world.member, world.space, f"Hi #Cardio <@{world.reader.pk}>", images=[png()],
             poll=actions.PollSpec(options=["A", "B"]))
    c = actions.do_comment(world.space_admin, p, body="Nice")
    actions.do_comment(world.member, p, body="Thanks", parent=c)
    assert actions.do_react(world.space_admin, p, "👍") is True
    actions.do_vote(world.space_admin, p.poll, [p.poll.options.first().pk])
    page = queries.home_feed(world.member)
    assert [item.post.pk for item in page.items] == [p.pk]
    view = page.items[0]
    assert view.poll.total == 1 and view.reactions[0].count == 1
    assert view.comments[0].replies[0].comment.body == "Thanks"
    assert "hashtag" in view.post.html and "Rémi Reader" in view.post.html
    assert [v.post.pk for v in queries.hashtag_feed(world.reader, "cardio").items] == [p.pk]
    assert queries.home_feed(world.outsider).items == []
