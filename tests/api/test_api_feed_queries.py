"""The feed API reads a page in a constant number of queries, whatever its size: the
domain hydrates every post at once, and turning them into JSON adds none."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel import content
from atrium.modules.feed.actions import PollSpec, do_comment, do_create_post, do_react
from tests.api import feed_fixtures
from tests.api.feed_fixtures import png, text_file

feed_api = feed_fixtures.feed_api


def _lively(api: feed_fixtures.FeedApi, count: int) -> None:
    """`count` posts of every kind: images, files, polls, comments with replies,
    reactions, links to other modules' items."""
    world = api.world
    for n in range(count):
        kind = n % 4
        post = do_create_post(
            world.member, world.space, body=f"Post {n} #tag{n % 3}",
            images=[png()] if kind == 0 else (), files=[text_file()] if kind == 1 else (),
            poll=PollSpec(options=["a", "b"]) if kind == 2 else None)
        top = do_comment(world.space_admin, post, body=f"Comment {n}")
        do_comment(world.member, post, body="Reply", parent=top)
        do_react(world.space_admin, post, "👍")
        do_react(world.member, top, "🎉")
        content.publish(space=world.space, module_id="links", kind="link",
                        object_id=10_000 + n, author=world.member, verb="saved a link",
                        title=f"Link {n}")


def _queries(api: feed_fixtures.FeedApi, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = api.call("member", "GET", path)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), len(response.json()["items"])


@pytest.mark.parametrize("template", ["/feed/home?limit={n}", "/spaces/{space}/feed?limit={n}",
                                      "/feed/home?order=activity&limit={n}",
                                      "/people/{member}/feed?limit={n}",
                                      "/feed/hashtags/tag1?limit={n}"])
def test_a_page_costs_the_same_whatever_its_size(feed_api, template):
    """5 items or 24: the same number of queries."""
    _lively(feed_api, 24)
    feed_api.call("member", "GET", "/feed/home")  # the token's first use is written once
    small, small_items = _queries(feed_api, feed_api.path(template.replace("{n}", "5")))
    large, large_items = _queries(feed_api, feed_api.path(template.replace("{n}", "24")))
    assert large_items > small_items >= 4
    assert large == small, (small, large)
