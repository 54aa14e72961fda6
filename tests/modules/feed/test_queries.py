"""Feed reads: hydrated pages in a constant number of queries, cursors, search, hashtags,
and a secret space's canary that never reaches anyone else."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel import content
from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Follow, LinkPreview, SpaceRole, Visibility
from atrium.modules.feed import actions, queries
from atrium.modules.feed.queries import ModuleItem, PostView
from tests.factories import ROLES, make_space
from tests.modules.feed.helpers import png, post

pytestmark = pytest.mark.django_db


def rich_feed(world, count: int) -> None:
    """`count` posts of every kind in the world's space, newest of each kind last."""
    open_space = make_space(world.outsider, Visibility.OPEN)
    original = post(world.outsider, open_space, "An original with a https://example.org/ link")
    LinkPreview.objects.create(url_hash="0" * 64, url="https://example.org/", title="Ex")
    for n in range(count):
        kind = n % 5
        if kind == 0:
            content.publish(space=world.space, module_id="links", kind="link", object_id=n,
                            author=world.member, verb="saved a link", title=f"link {n}")
            made = actions.do_share_post(world.member, original, world.space, body=f"share {n}")
        elif kind == 1:
            made = post(world.member, world.space, f"images {n} #tag", images=[png()])
        elif kind == 2:
            made = post(world.member, world.space, f"poll {n}",
                        poll=actions.PollSpec(options=["a", "b"]))
            actions.do_vote(world.space_admin, made.poll, [made.poll.options.first().pk])
        elif kind == 3:
            made = post(world.space_admin, world.space, f"announce {n}", announce=True,
                        requires_confirmation=True)
            actions.do_confirm(world.member, made)
        else:
            made = post(world.member, world.space, f"see https://example.org/ {n}")
        top = actions.do_comment(world.space_admin, made, body="top")
        actions.do_comment(world.member, made, body="reply", parent=top)
        actions.do_react(world.space_admin, made, "👍")
        actions.do_react(world.space_admin, top, "👍")


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_home_feed_query_count_is_constant_in_page_size(world):
    """Pages of 5 and of 50 mixed items (posts, shares, polls, images, comments, reactions,
    confirmations, other modules' entries) cost the same number of queries."""
    rich_feed(world, 60)
    small = queries.home_feed(world.member, limit=5)
    assert {i.post.body.split()[0] for i in small.items} == {"share", "images", "poll",
                                                            "announce", "see"}
    big = queries.home_feed(world.member, limit=50)
    assert len(small.items) == 5 and len(big.items) == 50
    assert {type(i) for i in big.items} == {PostView, ModuleItem}
    assert count_queries(lambda: queries.home_feed(world.member, limit=5)) \
        == count_queries(lambda: queries.home_feed(world.member, limit=50))
    assert count_queries(lambda: queries.space_feed(world.member, world.space, limit=5)) \
        == count_queries(lambda: queries.space_feed(world.member, world.space, limit=50))


def test_post_view_is_hydrated(world):
    """A PostView carries poll counts, my votes, reactions, comments with replies, shares."""
    rich_feed(world, 5)
    views = {v.post.body.split()[0]: v for v in queries.space_feed(world.member,
                                                                    world.space).items
             if isinstance(v, PostView)}
    poll = views["poll"].poll
    assert poll.total == 1 and poll.my_votes == [] and poll.is_open
    assert [(o.label, o.count, o.percent) for o in poll.options] == [("a", 1, 100), ("b", 0, 0)]
    assert views["share"].shared.post.body.startswith("An original")
    assert views["images"].images[0].width == 4
    assert views["announce"].confirmed is True
    comment = views["images"].comments[0]
    assert comment.comment.body == "top" and comment.replies[0].comment.body == "reply"
    assert tuple(views["images"].reactions[0]) == ("👍", 1, False)
    assert views["images"].can["comment"] and views["images"].can["edit"]


def test_cursor_pages_do_not_repeat_and_bad_cursor_is_refused(world):
    """Following next_cursor walks every post once; a forged cursor is a clear error."""
    for n in range(7):
        post(world.member, world.space, f"p{n}")
    seen, cursor = [], None
    while True:
        page = queries.home_feed(world.member, before=cursor, limit=3)
        seen += [v.post.body for v in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"p{n}" for n in reversed(range(7))]
    with pytest.raises(ActionError) as error:
        queries.home_feed(world.member, before="not-a-cursor")
    assert error.value.field == "before"


def test_search_and_hashtag_feed(world):
    """Search finds every word; hashtag feeds are casefolded; both respect rights."""
    made = post(world.member, world.space, "Quarterly budget #Finance")
    post(world.member, world.space, "Nothing here")
    assert [v.post.pk for v in queries.search_posts(world.reader, "budget QUARTERLY")] \
        == [made.pk]
    assert [v.post.pk for v in queries.hashtag_feed(world.reader, "#FINANCE").items] \
        == [made.pk]
    assert queries.search_posts(world.outsider, "budget") == []
    assert queries.hashtag_feed(world.outsider, "finance").items == []
    assert queries.hashtag_feed(world.reader, "not a tag!").items == []


@pytest.mark.parametrize("role", ROLES)
def test_access_post_matrix(world, role):
    """Readers of the space get the post; everyone else the same NotFound."""
    made = post(world.member, world.space, "hello")
    user = world.user(role)
    if role in ("reader", "member", "space_admin"):
        assert queries.access_post(user, made.pk).pk == made.pk
    else:
        with pytest.raises(NotFound):
            queries.access_post(user, made.pk)
    with pytest.raises(NotFound):
        queries.access_post(user, 999_999)


def test_secret_space_canary_never_leaks(world):
    """A post in a secret space never reaches others' feeds, hashtags, search, author feed,
    announcements or notifications, even for people following its author."""
    from atrium.notifications.models import Notification

    secret = make_space(world.member, Visibility.SECRET)
    do_add_member(world.member, secret, world.space_admin, SpaceRole.MEMBER)
    canary = f"CANARY-{uuid.uuid4()}"
    for person in (world.outsider, world.reader, world.org_admin, world.guest):
        Follow.objects.create(follower=person, followed=world.member)
    made = post(world.member, secret, f"{canary} #canary <@{world.reader.pk}> "
                f"<@{world.outsider.pk}>", announce=True)
    actions.do_comment(world.space_admin, made, body=f"{canary} <@{world.org_admin.pk}>")
    outside = [world.user(role) for role in ROLES
               if role not in ("member", "space_admin")]
    for person in outside:
        texts = []
        texts += [v.post.body for v in queries.home_feed(person).items
                  if isinstance(v, PostView)]
        texts += [v.post.body for v in queries.hashtag_feed(person, "canary").items]
        texts += [v.post.body for v in queries.search_posts(person, canary)]
        texts += [v.post.body for v in queries.author_feed(person, world.member).items
                  if isinstance(v, PostView)]
        texts += [v.post.body for v in queries.announcements(person)]
        assert not any(canary in text for text in texts)
        with pytest.raises(NotFound):
            queries.access_post(person, made.pk)
    leaked = Notification.objects.exclude(recipient__in=[world.member, world.space_admin])
    assert not any(canary in f"{n.title} {n.excerpt} {n.url}" for n in leaked)
    assert not leaked.filter(space=secret).exists()
    assert [v.post.pk for v in queries.hashtag_feed(world.space_admin, "canary").items] \
        == [made.pk]
