"""The notification centre's pages as every role, and what they do.

The member owns notification `mine`; everyone else sees it as missing (404). Anonymous and
deactivated people are sent to the sign-in page (302L)."""

from __future__ import annotations

import pytest

from atrium.notifications import notify
from atrium.notifications.models import Notification, Preference
from atrium.notifications.tokens import make_token
from tests.factories import ROLES, make_world

L, N, R, OK, NA = "302L", 404, 302, 200, 405

# path, method, statuses in ROLES order:
# anonymous, guest, outsider, reader, member, space_admin, org_admin, deactivated
MATRIX = [
    ("/notifications/", "get", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/notifications/?unread=1", "get", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/notifications/preferences/", "get", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/notifications/preferences/", "post", [L, R, R, R, R, R, R, L]),
    ("/notifications/read-all/", "post", [L, R, R, R, R, R, R, L]),
    ("/notifications/read-all/", "get", [L, NA, NA, NA, NA, NA, NA, L]),
    ("/notifications/{mine}/", "get", [L, N, N, N, R, N, N, L]),
    ("/notifications/{mine}/read/", "post", [L, N, N, N, R, N, N, L]),
    ("/notifications/99999999/", "get", [L, N, N, N, N, N, N, L]),
    ("/notifications/99999999999999999999999/read/", "post", [L, N, N, N, N, N, N, L]),
    ("/notifications/unsubscribe/{token}/", "get", [OK] * 8),
]


@pytest.mark.django_db
@pytest.mark.parametrize("path,method,expected", MATRIX, ids=[f"{m} {p}" for p, m, _ in MATRIX])
def test_pages_answer_exactly_per_role(client_for, path, method, expected):
    """Each role gets exactly the expected status; someone else's notification is missing."""
    world = make_world()
    [mine] = notify([world.member], kind="mention", key="k", space=world.space, title="Hi",
                    url="/s/cardiology/")
    url = path.format(mine=mine.pk, token=make_token(world.member.pk, "mention"))
    for role, want in zip(ROLES, expected, strict=True):
        client = client_for(world.user(role))
        response = client.post(url, {"form": "kinds"}) if method == "post" else client.get(url)
        if want == L:
            assert response.status_code == 302, (role, response.status_code)
            assert "/accounts/login/" in response["Location"], role
        else:
            assert response.status_code == want, (role, response.status_code)


@pytest.mark.django_db
def test_others_cannot_read_mine_and_change_nothing(client_for):
    """Someone else's mark-read and open leave the notification unread."""
    world = make_world()
    [mine] = notify([world.member], kind="mention", key="k", space=world.space, title="Hi")
    client_for(world.reader).post(f"/notifications/{mine.pk}/read/")
    client_for(world.space_admin).get(f"/notifications/{mine.pk}/")
    client_for(world.org_admin).post("/notifications/read-all/")
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.django_db
def test_centre_lists_newest_first_with_unread_marked_and_filters(client_for):
    """Newest first; unread ones flagged; ?unread=1 hides the read ones; XSS stays text."""
    world = make_world()
    client = client_for(world.member)
    Notification.objects.filter(recipient=world.member).delete()
    [old] = notify([world.member], kind="comment", key="1", title="Old one")
    notify([world.member], kind="comment", key="2", title="<img src=x onerror=alert(1)>")
    client.post(f"/notifications/{old.pk}/read/")
    html = client.get("/notifications/").content.decode()
    assert html.index("&lt;img src=x onerror=alert(1)&gt;") < html.index("Old one")
    assert "<img src=x" not in html
    assert html.count("card card-accent") == 1
    unread = client.get("/notifications/?unread=1").content.decode()
    assert "Old one" not in unread and "onerror" in unread


@pytest.mark.django_db
def test_centre_pages_by_cursor(client_for):
    """30 per page, then an "older" link whose cursor continues without repeats."""
    world = make_world()
    Notification.objects.filter(recipient=world.member).delete()
    for n in range(35):
        notify([world.member], kind="comment", key=f"k{n}", title=f"Item {n:02d}.")
    client = client_for(world.member)
    first = client.get("/notifications/")
    cursor = first.context["page"].next_cursor
    assert len(first.context["page"].items) == 30 and cursor
    second = client.get("/notifications/", {"before": cursor})
    assert [n.title for n in second.context["page"].items] == [f"Item {n:02d}." for n in
                                                               range(4, -1, -1)]
    assert second.context["page"].next_cursor is None
    assert client.get("/notifications/", {"before": "garbage!!"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url,target", [("/s/cardiology/", "/s/cardiology/"),
                                        ("https://evil.example/", "/notifications/")])
def test_opening_marks_read_and_goes_to_the_page_on_this_site_only(client_for, url, target):
    """Opening a notification marks it read and redirects, never to another origin."""
    world = make_world()
    [mine] = notify([world.member], kind="mention", key="k", title="Hi", url=url)
    response = client_for(world.member).get(f"/notifications/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == target
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.django_db
def test_mark_all_read_and_the_bell_count(client_for):
    """The bell shows the unread count; mark all read empties it."""
    world = make_world()
    client = client_for(world.member)
    Notification.objects.filter(recipient=world.member).delete()
    notify([world.member], kind="comment", key="1", title="a")
    notify([world.member], kind="comment", key="2", title="b")
    assert 'class="badge" id="notif-count">2</span>' in client.get("/spaces/").content.decode()
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=world.member, read_at=None).exists()
    assert '<span id="notif-count" hidden>0</span>' in client.get("/spaces/").content.decode()


@pytest.mark.django_db
def test_preferences_page_saves_kinds_and_spaces(client_for):
    """The table saves only what differs from the default; a space override can be removed."""
    world = make_world()
    client = client_for(world.member)
    from atrium.notifications.kinds import all_kinds
    from atrium.notifications.preferences import default_choice

    data = {"form": "kinds"}
    for kind in all_kinds():
        choice = default_choice(kind)
        data[f"email-{kind.id}"] = choice.email
        if choice.in_app:
            data[f"in_app-{kind.id}"] = "on"
        if choice.push:
            data[f"push-{kind.id}"] = "on"
    data["email-comment"] = "never"
    assert client.post("/notifications/preferences/", data).status_code == 302
    assert list(Preference.objects.filter(user=world.member).values_list("kind", "email")) \
        == [("comment", "never")]
    client.post("/notifications/preferences/", {"form": "space", "space": world.space.pk,
                                                "email": "weekly", "in_app": "on"})
    pref = Preference.objects.get(user=world.member, space=world.space)
    assert (pref.kind, pref.email, pref.in_app, pref.push) == ("", "weekly", True, False)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Cardiology" in page
    client.post("/notifications/preferences/", {"form": "clear_space", "space": world.space.pk})
    assert not Preference.objects.filter(user=world.member, space=world.space).exists()


@pytest.mark.django_db
def test_preferences_page_refuses_bad_input(client_for):
    """A bad e-mail mode or a space one may not read: a message, nothing saved."""
    world = make_world()
    client = client_for(world.outsider)
    response = client.post("/notifications/preferences/", {"form": "space",
                                                           "space": world.space.pk,
                                                           "email": "never"}, follow=True)
    assert "You may not read this space." in response.content.decode()
    response = client.post("/notifications/preferences/", {"form": "space",
                                                           "space": world.space.pk,
                                                           "email": "hourly"}, follow=True)
    assert "Choose immediately, daily, weekly or never." in response.content.decode()
    client.post("/notifications/preferences/", {"form": "space", "space": "x" * 50,
                                                "email": "never"})
    assert not Preference.objects.exists()


@pytest.mark.django_db
def test_centre_query_count_does_not_grow_with_notifications_or_spaces(client_for):
    """The centre costs the same number of queries for 3 or 20 notifications over as many
    spaces (kernel and module rows alike)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atrium.kernel.actions.spaces import do_add_member
    from atrium.kernel.models import SpaceRole
    from tests.factories import make_space

    world = make_world()
    client = client_for(world.member)

    def add(count: int) -> int:
        for _ in range(count):
            space = make_space(world.space_admin)
            do_add_member(world.space_admin, space, world.member, SpaceRole.MEMBER)
            notify([world.member], kind="comment", key=f"feed:{space.pk}", space=space,
                   module_id="links", title=f"In {space.name}")
        client.get("/notifications/")  # warm caches of the module states
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        return len(queries)

    few = add(3)
    many = add(17)
    assert many == few


@pytest.mark.django_db
def test_an_unsubscribe_from_everything_is_shown_and_can_be_undone(client_for):
    """After the digest's one-click unsubscribe, the page says so and can undo it."""
    from atrium.notifications.actions import do_unsubscribe
    from atrium.notifications.preferences import resolve

    world = make_world()
    do_unsubscribe(make_token(world.member.pk, ""))
    client = client_for(world.member)
    assert "Use each kind" in client.get("/notifications/preferences/").content.decode()
    assert resolve(world.member.pk, "mention", None).email == "never"
    client.post("/notifications/preferences/", {"form": "clear_all"})
    assert resolve(world.member.pk, "mention", None).email == "immediate"
    assert "Use each kind" not in client.get("/notifications/preferences/").content.decode()
