"""Every feed page and form, tried as every role: the exact answer for each.

A private space "Cardiology" with the feed on; a post by the member, an announcement by the
space admin asking for confirmation, a comment. 302L = to the sign-in page; 302 = done (POST,
redirect, GET); 404 = missing or not allowed (the same answer on purpose). Forms are also
sent the way the page's script sends them (X-Atrium-Fetch), which answers with the action's
own status: 200/201 done, 403 refused (seen but not allowed), 404 not seen.
"""

from __future__ import annotations

import pytest

from atrium.modules.feed import actions
from atrium.modules.feed.actions import PollSpec
from atrium.modules.feed.models import Comment, Confirmation, Post, Reaction, Report
from tests.factories import ROLES, make_world

R, L, N, F, OK, C = 302, "302L", 404, 403, 200, 201

# url, expected status per role in ROLES order:
# anonymous, guest, outsider, reader, member, space_admin, org_admin, deactivated
PAGES = [
    ("/", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/feed/", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/feed/?order=activity", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/feed/tags/cardio/", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/feed/search/?q=hello", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/feed/announcements/", [L, OK, OK, OK, OK, OK, OK, L]),
    ("/feed/people/{member}/", [L, N, OK, OK, OK, OK, OK, L]),
    ("/s/{slug}/feed/", [L, N, N, OK, OK, OK, N, L]),
    ("/s/{slug}/feed/?partial=1", [L, N, N, OK, OK, OK, N, L]),
    ("/s/{slug}/feed/{post}/", [L, N, N, OK, OK, OK, N, L]),
    ("/s/{slug}/feed/{post}/?partial=1", [L, N, N, OK, OK, OK, N, L]),
    ("/s/{slug}/feed/{post}/edit/", [L, N, N, N, OK, N, N, L]),
    ("/s/{slug}/feed/{pinned}/confirmations/", [L, N, N, N, N, OK, N, L]),
    ("/s/{slug}/feed/reports/", [L, N, N, N, N, OK, N, L]),
    ("/s/{slug}/feed/{post}/pin/", [L, N, N, N, N, OK, N, L]),
    ("/s/{slug}/feed/{post}/report/", [L, N, N, OK, N, OK, N, L]),
    ("/s/{slug}/feed/{post}/share/", [L, N, N, N, N, N, N, L]),  # private: never shared
    ("/s/{slug}/feed/comments/{comment}/report/", [L, N, N, OK, N, OK, N, L]),
    ("/s/{slug}/feed/comments/{comment}/edit/", [L, N, N, N, OK, N, N, L]),
    ("/s/{other}/feed/{post}/", [L, N, N, N, N, N, N, L]),  # a post through another space
]

# url, data, expected per role when sent by the page's script (X-Atrium-Fetch: 1)
FORMS = [
    ("/feed/new/", {"space": "{space}", "body": "New"}, [L, 400, 400, F, C, C, 400, L]),
    ("/s/{slug}/feed/{post}/comment/", {"body": "Hi"}, [L, N, N, F, OK, OK, N, L]),
    ("/s/{slug}/feed/{post}/react/", {"emoji": "👍"}, [L, N, N, F, OK, OK, N, L]),
    ("/s/{slug}/feed/{poll}/vote/", {"option": "{option}"}, [L, N, N, F, OK, OK, N, L]),
    ("/s/{slug}/feed/{post}/edit/", {"body": "Edited"}, [L, N, N, N, OK, N, N, L]),
    ("/s/{slug}/feed/{post}/pin/", {"pinned": "1"}, [L, N, N, F, F, OK, N, L]),
    ("/s/{slug}/feed/{pinned}/confirm/", {}, [L, N, N, OK, OK, OK, N, L]),
    ("/s/{slug}/feed/{post}/hide/", {"hidden": "1"}, [L, N, N, F, F, OK, N, L]),
    ("/s/{slug}/feed/{pinned}/report/", {"reason": "Spam"}, [L, N, N, OK, OK, F, N, L]),
    ("/s/{slug}/feed/comments/{comment}/react/", {"emoji": "🎉"},
     [L, N, N, F, OK, OK, N, L]),
    ("/s/{slug}/feed/comments/{comment}/delete/", {}, [L, N, N, F, OK, OK, N, L]),
    ("/s/{slug}/feed/{post}/delete/", {}, [L, N, N, F, 204, 204, N, L]),
]


def scene():
    world = make_world()
    post = actions.do_create_post(world.member, world.space, body="Hello #cardio")
    poll = actions.do_create_post(world.member, world.space, body="Lunch?",
                                  poll=PollSpec(options=["Pizza", "Salad"]))
    pinned = actions.do_create_post(world.space_admin, world.space, body="Read me",
                                    announce=True, requires_confirmation=True)
    comment = actions.do_comment(world.member, post, body="First")
    values = {"slug": world.space.slug, "space": world.space.pk, "other": world.other_space.slug,
              "post": post.pk, "poll": poll.pk, "pinned": pinned.pk, "comment": comment.pk,
              "member": world.member.pk, "option": poll.poll.options.first().pk}
    return world, values


def fill(template: str, values: dict) -> str:
    return template.format(**values)


@pytest.mark.django_db
@pytest.mark.parametrize("url,expected", PAGES, ids=[u for u, _ in PAGES])
def test_feed_pages_answer_exactly_per_role(client_for, url, expected):
    """Each role gets exactly the expected status; refusals never reveal the space."""
    world, values = scene()
    for role, want in zip(ROLES, expected, strict=True):
        response = client_for(world.user(role)).get(fill(url, values))
        if want == L:
            assert response.status_code == 302, (role, response.status_code)
            assert "/accounts/login/" in response["Location"], role
        else:
            assert response.status_code == want, (role, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("url,data,expected", FORMS, ids=[u for u, _, _ in FORMS])
def test_feed_forms_answer_exactly_per_role(client_for, url, data, expected):
    """Each role gets exactly the expected status from every form sent by the script."""
    for role, want in zip(ROLES, expected, strict=True):
        world, values = scene()  # a fresh scene: one role's write must not change the next
        sent = {k: fill(v, values) for k, v in data.items()}
        response = client_for(world.user(role)).post(fill(url, values), sent,
                                                     HTTP_X_ATRIUM_FETCH="1")
        if want == L:
            assert response.status_code == 302, (role, response.status_code)
            assert "/accounts/login/" in response["Location"], role
        else:
            assert response.status_code == want, (role, response.status_code)


@pytest.mark.django_db
def test_plain_forms_redirect_to_the_post_anchor_on_the_page_they_came_from(client_for):
    """Without scripts a comment goes back to the page given as next, at the comment."""
    world, values = scene()
    response = client_for(world.member).post(
        fill("/s/{slug}/feed/{post}/comment/", values), {"body": "Again", "next": "/feed/"})
    comment = Comment.objects.get(body="Again")
    assert response.status_code == 302
    assert response["Location"] == f"/feed/#comment-{comment.pk}"


@pytest.mark.django_db
def test_next_pointing_elsewhere_is_ignored(client_for):
    """A `next` to another site falls back to the post's own page."""
    world, values = scene()
    response = client_for(world.member).post(
        fill("/s/{slug}/feed/{post}/react/", values),
        {"emoji": "👍", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == fill("/s/{slug}/feed/{post}/#post-{post}", values)


@pytest.mark.django_db
def test_refusals_change_nothing(client_for):
    """Refused writes by a reader and an outsider leave every table as it was."""
    world, values = scene()
    before = (Post.objects.count(), Comment.objects.count(), Reaction.objects.count(),
              Report.objects.count(), Confirmation.objects.count())
    for user in (world.reader, world.outsider, world.guest):
        client = client_for(user)
        client.post("/feed/new/", {"space": values["space"], "body": "Sneaky"})
        client.post(fill("/s/{slug}/feed/{post}/comment/", values), {"body": "Sneaky"})
        client.post(fill("/s/{slug}/feed/{post}/react/", values), {"emoji": "👍"})
        client.post(fill("/s/{slug}/feed/{post}/edit/", values), {"body": "Sneaky"})
        client.post(fill("/s/{slug}/feed/{post}/delete/", values))
        client.post(fill("/s/{slug}/feed/{post}/pin/", values), {"pinned": "1"})
        client.post(fill("/s/{slug}/feed/{post}/hide/", values), {"hidden": "1"})
    client_for(world.outsider).post(fill("/s/{slug}/feed/{pinned}/report/", values),
                                    {"reason": "x"})
    after = (Post.objects.count(), Comment.objects.count(), Reaction.objects.count(),
             Report.objects.count(), Confirmation.objects.count())
    assert after == before
    post = Post.objects.get(pk=values["post"])
    assert post.body == "Hello #cardio" and post.deleted_at is None
    assert post.pinned_at is None and post.hidden_at is None
    assert not Post.objects.filter(body="Sneaky").exists()


@pytest.mark.django_db
def test_switched_off_feed_answers_404(client_for):
    """With the feed off for the instance its pages answer 404 and / draws the old home."""
    from atrium.kernel.models import InstanceModule

    world, values = scene()
    InstanceModule.objects.update_or_create(module_id="feed", defaults={"enabled": False})
    client = client_for(world.member)
    for url in ("/feed/", "/feed/tags/cardio/", fill("/s/{slug}/feed/", values),
                fill("/s/{slug}/feed/{post}/", values)):
        assert client.get(url).status_code == 404, url
    home = client.get("/")
    assert home.status_code == 200
    assert 'id="composer"' not in home.content.decode()
