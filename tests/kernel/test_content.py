"""The kernel content contract: publish, touch, withdraw, cursors and `feed_entries`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atrium.kernel import content
from atrium.kernel.actions.modules import do_configure_space_module
from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.errors import ActionError
from atrium.kernel.models import ContentEntry, Follow, SpaceRole, Visibility
from tests.factories import make_space, make_user

pytestmark = pytest.mark.django_db

_ids = iter(range(1, 10_000))


def entry(space, author, module_id="feed", kind="post", at=None):
    return content.publish(space=space, module_id=module_id, kind=kind, object_id=next(_ids),
                           author=author, verb="posted", title="t", created_at=at)


def test_publish_is_an_upsert_keeping_dates():
    """Publishing the same object again refreshes its title, not its dates."""
    author = make_user()
    space = make_space(author)
    first = content.publish(space=space, module_id="feed", kind="post", object_id=7,
                            author=author, verb="posted", title="one")
    again = content.publish(space=space, module_id="feed", kind="post", object_id=7,
                            author=author, verb="posted", title="two")
    assert first.pk == again.pk and ContentEntry.objects.get(pk=first.pk).title == "two"
    assert again.created_at == first.created_at


def test_touch_and_withdraw():
    """touch moves last_activity_at; withdraw deletes the entry."""
    author = make_user()
    space = make_space(author)
    made = entry(space, author, at=timezone.now() - timedelta(days=1))
    later = timezone.now()
    content.touch("feed", "post", made.object_id, later)
    assert ContentEntry.objects.get(pk=made.pk).last_activity_at == later
    content.withdraw("feed", "post", made.object_id)
    assert not ContentEntry.objects.filter(pk=made.pk).exists()


def test_cursor_round_trip_and_garbage():
    """A cursor decodes to itself; anything else is an ActionError on field 'before'."""
    cursor = content.Cursor(at=timezone.now(), id=42)
    assert content.Cursor.decode(cursor.encode()) == cursor
    for bad in ("", "abc", "!!!", content.Cursor(at=timezone.now(), id=1).encode()[:-3]):
        with pytest.raises(ActionError) as error:
            content.Cursor.decode(bad)
        assert error.value.field == "before"


def test_home_has_member_spaces_and_followed_people_in_readable_spaces_only():
    """Home: my spaces, plus followed people's entries in open spaces; never a secret one."""
    me, friend, stranger = make_user(), make_user(), make_user()
    mine = make_space(stranger, Visibility.PRIVATE)
    do_add_member(stranger, mine, me, SpaceRole.MEMBER)
    open_space = make_space(friend, Visibility.OPEN)
    secret = make_space(friend, Visibility.SECRET)
    elsewhere = make_space(stranger, Visibility.OPEN)
    Follow.objects.create(follower=me, followed=friend)
    in_mine = entry(mine, stranger)
    by_friend = entry(open_space, friend)
    hidden = entry(secret, friend)
    not_followed = entry(elsewhere, stranger)
    me.__dict__.pop("_space_roles", None)
    found = {e.pk for e in content.feed_entries(me, scope="home")}
    assert in_mine.pk in found and by_friend.pk in found
    assert hidden.pk not in found and not_followed.pk not in found
    assert {e.pk for e in content.feed_entries(me, scope="author", author=friend)} \
        == {by_friend.pk}


def test_module_switched_off_in_a_space_hides_its_entries():
    """Entries of a module switched off in a space leave every feed."""
    admin = make_user()
    space = make_space(admin)
    made = entry(space, admin)
    assert [e.pk for e in content.feed_entries(admin, scope="space", space=space)] == [made.pk]
    do_configure_space_module(admin, space, "feed", enabled=False)
    admin.__dict__.pop("_space_roles", None)
    assert content.feed_entries(admin, scope="space", space=space) == []
    assert content.feed_entries(admin, scope="home") == []


def test_pages_by_cursor_cover_everything_once_in_both_orders():
    """Walking the home feed by cursor yields every entry once, newest first."""
    me = make_user()
    spaces = [make_space(me) for _ in range(3)]
    now = timezone.now()
    made = [entry(spaces[n % 3], me, at=now - timedelta(minutes=n // 2)) for n in range(25)]
    for order in ("recent", "activity"):
        seen, cursor = [], None
        while True:
            page = content.feed_entries(me, scope="home", order=order, before=cursor, limit=4)
            seen += [e.pk for e in page]
            if len(page) < 4:
                break
            cursor = content.Cursor.after(page[-1], order)
        assert sorted(seen) == sorted(e.pk for e in made) and len(seen) == len(set(seen))
        expected = sorted(made, key=lambda e: (e.created_at, e.pk), reverse=True)
        assert seen == [e.pk for e in expected]


def test_home_query_count_does_not_grow_with_spaces_or_page_size():
    """Home feed entries: same number of queries for 2 spaces and 12, 5 items and 40."""
    me, friend = make_user(), make_user()
    Follow.objects.create(follower=me, followed=friend)
    friend_space = make_space(friend, Visibility.OPEN)
    for _ in range(5):
        entry(friend_space, friend)
    spaces = [make_space(me) for _ in range(12)]
    for n in range(60):
        entry(spaces[n % 12], me)

    def count(limit: int) -> int:
        me.__dict__.pop("_space_roles", None)
        with CaptureQueriesContext(connection) as captured:
            found = content.feed_entries(me, scope="home", limit=limit)
        assert len(found) == limit
        return len(captured)

    assert count(5) == count(40)
