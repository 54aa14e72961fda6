"""The notify() contract: who is told, once, with what, and the live event after commit."""

from __future__ import annotations

import pytest

from atrium.kernel.actions.spaces import do_add_member, do_remove_member
from atrium.kernel.errors import ActionError
from atrium.kernel.models import EventRecord, SpaceRole, Visibility
from atrium.notifications import notify
from atrium.notifications.actions import do_set_preference
from atrium.notifications.models import EmailState, Notification
from tests.factories import make_space, make_user, make_world

pytestmark = pytest.mark.django_db


def created_events(user, kind=None):
    found = EventRecord.objects.filter(type="notification.created", audience_kind="user",
                                       audience_id=user.pk)
    return found.filter(payload__kind=kind) if kind else found


def test_notify_records_one_row_per_allowed_recipient_and_returns_them(world):
    """Readers of the space are told; the actor, outsiders, guests and the deactivated not."""
    everyone = [world.user(r) for r in ("member", "reader", "space_admin", "outsider", "guest",
                                        "deactivated", "org_admin")]
    rows = notify(everyone, kind="comment", key="test:1", actor=world.space_admin,
                  space=world.space, title="A comment", url="/s/x/")
    assert {n.recipient_id for n in rows} == {world.member.pk, world.reader.pk}
    assert Notification.objects.filter(key="test:1").count() == 2


def test_module_access_is_checked_when_a_module_is_given(world):
    """With module_id, people who may not read that module in the space are left out."""
    from atrium.kernel.actions.modules import do_configure_space_module

    do_configure_space_module(world.space_admin, world.space, "links", enabled=True,
                              member_access="write", reader_access="none")
    rows = notify([world.member, world.reader], kind="module", key="links:1",
                  space=world.space, module_id="links", title="A link")
    assert [n.recipient_id for n in rows] == [world.member.pk]


def test_bots_are_never_notified(world):
    """A bot account gets no notification even when it may read the space."""
    bot = make_user(name="Robot", is_bot=True)
    assert notify([bot], kind="follow", key="f:1", title="Hello") == []


def test_the_same_key_never_notifies_twice(world, django_capture_on_commit_callbacks):
    """Calling notify twice for one event records one row and sends one live event."""
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.member], kind="mention", key="post:9", space=world.space, title="Hi")
        again = notify([world.member.pk], kind="mention", key="post:9", space=world.space,
                       title="Hi again")
    assert again == []
    assert Notification.objects.filter(recipient=world.member, key="post:9").count() == 1
    assert created_events(world.member, "mention").count() == 1


def test_the_live_event_carries_the_notification_and_the_unread_count(
        world, django_capture_on_commit_callbacks):
    """notification.created goes to ("user", recipient) with title, url and unread count."""
    before = Notification.objects.filter(recipient=world.member, read_at=None).count()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.member], kind="reply", key="a", space=world.space, title="One")
        rows = notify([world.member], kind="reply", key="b", space=world.space,
                      title="Two <b>", excerpt="plain", url="/s/cardiology/")
    payload = created_events(world.member).order_by("-id").first().payload
    assert payload == {"notification_id": rows[0].pk, "kind": "reply", "title": "Two <b>",
                       "excerpt": "plain", "url": "/s/cardiology/", "unread": before + 2}


def test_unknown_kind_and_bad_key_are_refused():
    """A typo in the kind or an empty key is an error, not a silent row."""
    member = make_user()
    with pytest.raises(ActionError):
        notify([member], kind="mentoin", key="k", title="x")
    with pytest.raises(ActionError):
        notify([member], kind="mention", key="", title="x")
    assert not Notification.objects.exists()


@pytest.mark.parametrize("url,kept", [
    ("/s/a/feed/1", "/s/a/feed/1"), ("https://evil.example/x", ""), ("//evil.example/x", ""),
    ("javascript:alert(1)", ""), ("/\\evil.example", ""),
    ("http://127.0.0.1:8000/s/a/", "/s/a/"),
])
def test_only_same_origin_paths_are_kept_as_the_link(url, kept, settings):
    """A notification never links away from the site."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    member = make_user()
    [row] = notify([member], kind="follow", key="u", title="t", url=url)
    assert row.url == kept


def test_long_title_and_excerpt_are_clipped_to_plain_single_lines():
    """Titles and excerpts fit their columns and lose line breaks."""
    member = make_user()
    [row] = notify([member], kind="follow", key="long", title="a\n" * 400, excerpt="b " * 400)
    assert len(row.title) == 300 and "\n" not in row.title
    assert len(row.excerpt) == 300


def test_preferences_decide_the_channels(world):
    """In-app off records the row already read; e-mail never is skipped, daily waits."""
    do_set_preference(world.member, kind="comment", in_app=False, email="never", push=False)
    do_set_preference(world.reader, kind="comment", in_app=True, email="weekly", push=False)
    assert notify([world.member], kind="comment", key="c", space=world.space, title="t") == []
    rows = notify([world.member, world.reader], kind="mention", key="m", space=world.space,
                  title="t")
    by_user = {n.recipient_id: n for n in rows}
    assert by_user[world.member.pk].email_state == EmailState.PENDING
    assert by_user[world.reader.pk].email_state == EmailState.PENDING
    [digest] = notify([world.reader], kind="comment", key="c2", space=world.space, title="t")
    assert digest.email_state == EmailState.DIGEST
    do_set_preference(world.member, kind="comment", in_app=False, email="daily", push=False)
    [silent] = notify([world.member], kind="comment", key="c3", space=world.space, title="t")
    assert silent.read_at is not None


def test_canary_secret_space_content_never_reaches_someone_outside(
        django_capture_on_commit_callbacks):
    """CANARY: nobody outside a secret space gets its notification, row or event."""
    owner = make_user()
    insider = make_user()
    outsider = make_user()
    org_admin = make_user(role="admin")
    secret = make_space(owner, Visibility.SECRET, "Mergers")
    do_add_member(owner, secret, insider, SpaceRole.MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify([insider, outsider, org_admin], kind="mention", key="secret:1",
                      actor=owner, space=secret, module_id="feed", title="CANARY-TITLE",
                      excerpt="CANARY-EXCERPT")
    assert [n.recipient_id for n in rows] == [insider.pk]
    assert not Notification.objects.filter(recipient__in=[outsider, org_admin]).exists()
    leaked = EventRecord.objects.filter(audience_kind="user",
                                        audience_id__in=[outsider.pk, org_admin.pk])
    assert not any("CANARY" in str(e.payload) for e in leaked)


def test_adding_someone_to_a_space_notifies_them():
    """do_add_member tells the person added (kind invitation), linking to the space."""
    world = make_world()
    person = make_user()
    do_add_member(world.space_admin, world.space, person, SpaceRole.MEMBER)
    [row] = Notification.objects.filter(recipient=person, kind="invitation")
    assert row.actor_id == world.space_admin.pk and row.url == f"/s/{world.space.slug}/"
    do_remove_member(world.space_admin, world.space, person)
    assert Notification.objects.filter(recipient=person, kind="invitation").count() == 1
