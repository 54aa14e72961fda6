"""The feed's pages: home (also at /), a space's feed, one post, a person's posts, a hashtag,
search and announcements, drawn for the person who asks; every form works without scripts."""

from __future__ import annotations

import pytest

from atrium.modules.feed import actions
from atrium.modules.feed.actions import PollSpec
from tests.factories import make_world

pytestmark = pytest.mark.django_db


def test_home_page_draws_the_feed_with_composer_and_posts(client_for):
    """/ shows the composer, the member's posts, a poll with its options and the order toggle."""
    world = make_world()
    actions.do_create_post(world.member, world.space, body="Hello #cardio team",
                           poll=PollSpec(options=["Yes", "No"]))
    response = client_for(world.member).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="composer"' in html
    assert "Hello" in html and 'href="/feed/tags/cardio/"' in html
    assert "Yes" in html and 'name="option"' in html
    assert "?order=activity" in html
