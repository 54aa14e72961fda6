"""Announcements (pin, confirm, who confirmed) and moderation (hide, report, resolve)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.modules.feed import actions, queries
from atrium.modules.feed.models import Confirmation, Report
from tests.factories import ROLES
from tests.modules.feed.helpers import post

pytestmark = pytest.mark.django_db


def refused(fn) -> bool:
    try:
        fn()
    except (ActionError, NotFound):
        return True
    return False


@pytest.mark.parametrize("role", ROLES)
def test_pin_matrix(world, role):
    """Only the space's managers pin (org admins only where they may read)."""
    made = post(world.member, world.space, "news")
    allowed = role == "space_admin"
    assert refused(lambda: actions.do_pin(world.user(role), made)) != allowed
    made.refresh_from_db()
    assert (made.pinned_at is not None) == allowed


def test_announcements_list_pinned_valid_readable(world):
    """Announcements: pinned, not expired, not hidden; members see them on their home."""
    pinned = post(world.space_admin, world.space, "A", announce=True)
    expiring = post(world.space_admin, world.space, "B", announce=True,
                    pinned_until=timezone.now() + timedelta(minutes=5))
    post(world.member, world.space, "plain")
    assert [v.post.pk for v in queries.announcements(world.member)] == [expiring.pk, pinned.pk]
    expiring.pinned_until = timezone.now() - timedelta(seconds=1)
    expiring.save()
    assert [v.post.pk for v in queries.announcements(world.member, world.space)] == [pinned.pk]
    assert queries.announcements(world.outsider) == []
    actions.do_unpin(world.space_admin, pinned)
    assert queries.announcements(world.member) == []


def test_confirmation_flow_and_status(world):
    """Members confirm once; author and managers see who confirmed and who not."""
    made = post(world.space_admin, world.space, "Read this", announce=True,
                requires_confirmation=True)
    first = actions.do_confirm(world.member, made)
    assert actions.do_confirm(world.member, made).pk == first.pk
    assert Confirmation.objects.count() == 1
    confirmed, pending = queries.confirmation_status(world.space_admin, made)
    assert [u.pk for u in confirmed] == [world.member.pk]
    assert {u.pk for u in pending} == {world.space_admin.pk, world.reader.pk}
    with pytest.raises(Forbidden):
        queries.confirmation_status(world.member, made)
    with pytest.raises(NotFound):
        queries.confirmation_status(world.outsider, made)
    view = queries.space_feed(world.member, world.space).items[0]
    assert view.confirmed is True and view.can["confirm"]


def test_confirm_refused_without_request(world):
    """A post that asks nothing cannot be confirmed."""
    made = post(world.member, world.space, "plain")
    with pytest.raises(Forbidden):
        actions.do_confirm(world.member, made)
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_hide_matrix_and_hidden_post_seen_by_managers_only(world, role):
    """Only managers hide; a hidden post leaves the others' feeds and stays for admins."""
    made = post(world.member, world.space, "rude")
    allowed = role == "space_admin"
    assert refused(lambda: actions.do_hide(world.user(role), made)) != allowed
    made.refresh_from_db()
    assert (made.hidden_at is not None) == allowed
    if allowed:
        assert queries.space_feed(world.member, world.space).items == []
        with pytest.raises(NotFound):
            queries.access_post(world.member, made.pk)
        assert len(queries.space_feed(world.space_admin, world.space).items) == 1
        actions.do_unhide(world.space_admin, made)
        assert len(queries.space_feed(world.member, world.space).items) == 1


def test_hide_comment(world):
    """A hidden comment disappears from others' view of the post."""
    made = post(world.member, world.space, "hi")
    comment = actions.do_comment(world.member, made, body="rude")
    actions.do_hide(world.space_admin, comment)
    assert queries.space_feed(world.reader, world.space).items[0].comments == []
    assert len(queries.space_feed(world.space_admin, world.space).items[0].comments) == 1


def test_report_and_resolve(world):
    """Readers report; managers list open reports and resolve them by hiding."""
    made = post(world.member, world.space, "spam")
    with pytest.raises(ActionError) as error:
        actions.do_report(world.reader, made, reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(Forbidden):
        actions.do_report(world.member, made, reason="my own")
    with pytest.raises(NotFound):
        actions.do_report(world.outsider, made, reason="spam")
    report = actions.do_report(world.reader, made, reason="spam")
    assert [r.pk for r in queries.reports_open(world.space_admin, world.space)] == [report.pk]
    with pytest.raises(Forbidden):
        queries.reports_open(world.member, world.space)
    with pytest.raises(Forbidden):
        actions.do_resolve_report(world.member, report, resolution="hidden")
    with pytest.raises(ActionError) as error:
        actions.do_resolve_report(world.space_admin, report, resolution="burn")
    assert error.value.field == "resolution"
    actions.do_resolve_report(world.space_admin, report, resolution="hidden")
    made.refresh_from_db()
    assert made.hidden_at is not None
    assert queries.reports_open(world.space_admin, world.space) == []
    assert Report.objects.get().resolution == "hidden"
