"""Every feed endpoint tried as every role, with the exact answer expected.

The world (tests.api.feed_fixtures): a private space "Cardiology" whose members are the reader,
the member and the space admin; the member's post (poll, hashtag, file) with the member's
comment and the space admin's reply, the space admin's announcement asking for confirmation,
and the reader's report. The guest, the outsider and the organisation's admin are not in the
space: its feed answers 404 to them, as a missing one does. A hidden post or comment is
seen by the space's managers only: to anybody else it is missing (404). Anonymous and deactivated
(whose token was revoked with the account) always get 401.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from atrium.kernel.models.events import EventRecord
from atrium.modules.feed.models import Comment, PollVote, Post, Reaction, Report
from atrium.notifications.models import Notification
from tests.api import feed_fixtures
from tests.api.conftest import PREFIX
from tests.api.feed_fixtures import FeedApi, fill, png, text_file
from tests.factories import ROLES

feed_api = feed_fixtures.feed_api
open_feed_api = feed_fixtures.open_feed_api
SIGNED_IN = ["guest", "outsider", "reader", "member", "space_admin", "org_admin"]


def answers(*statuses: int) -> dict[str, int]:
    """Statuses for guest, outsider, reader, member, space_admin, org_admin (in that order);
    anonymous and deactivated get 401."""
    assert len(statuses) == len(SIGNED_IN)
    return {"anonymous": 401, "deactivated": 401, **dict(zip(SIGNED_IN, statuses, strict=True))}


def call(api: FeedApi, role: str, method: str, path: str, body: Any = None) -> Any:
    headers = {}
    if role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api.secret(role)}"
    if "/attachments/" in path:  # bytes, not JSON
        return Client().get(PREFIX + path, **headers)
    if body == "FILES":  # a multipart post with an image and a file
        return Client().post(PREFIX + path, {"payload": '{"body": "With pictures"}',
                                             "images": [png()], "files": [text_file()]},
                             **headers)
    return api.call(role, method, path, body)


EVERYONE = answers(200, 200, 200, 200, 200, 200)
SPACE_READERS = answers(404, 404, 200, 200, 200, 404)

READS = {
    "home feed": ("GET", "/feed/home", EVERYONE),
    "home by activity": ("GET", "/feed/home?order=activity&limit=5", EVERYONE),
    "space feed": ("GET", "/spaces/{space}/feed", SPACE_READERS),
    "other space feed": ("GET", "/spaces/{other_space}/feed",
                         answers(200, 404, 404, 404, 404, 404)),
    "person feed": ("GET", "/people/{member}/feed", answers(404, 200, 200, 200, 200, 200)),
    "hashtag": ("GET", "/feed/hashtags/cardio", EVERYONE),
    "search": ("GET", "/feed/search?q=ward", EVERYONE),
    "my announcements": ("GET", "/feed/announcements", EVERYONE),
    "space announcements": ("GET", "/spaces/{space}/announcements", SPACE_READERS),
    "post": ("GET", "/feed/posts/{post}", SPACE_READERS),
    "comments": ("GET", "/feed/posts/{post}/comments", SPACE_READERS),
    "confirmations": ("GET", "/feed/posts/{announcement}/confirmations",
                      answers(404, 404, 403, 403, 200, 404)),
    "reports": ("GET", "/spaces/{space}/reports", answers(404, 404, 403, 403, 200, 404)),
    "download": ("GET", "/feed/attachments/{file}", SPACE_READERS),
}


@pytest.mark.parametrize("name", list(READS))
def test_read_endpoints_for_every_role(feed_api, name):
    """Each role gets exactly the expected status on each read."""
    method, template, expected = READS[name]
    path = feed_api.path(template)
    got = {role: call(feed_api, role, method, path).status_code for role in ROLES}
    assert got == expected


CHANGES = {
    "post": ("POST", "/spaces/{space}/posts", {"body": "Hello"},
             answers(404, 404, 403, 201, 201, 404)),
    "post with files": ("POST", "/spaces/{space}/posts/with-files", "FILES",
                        answers(404, 404, 403, 201, 201, 404)),
    "announce": ("POST", "/spaces/{space}/posts", {"body": "Listen", "announce": True},
                 answers(404, 404, 403, 403, 201, 404)),
    "edit post": ("PATCH", "/feed/posts/{post}", {"body": "Ward round at ten"},
                  answers(404, 404, 403, 200, 403, 404)),
    "delete post": ("DELETE", "/feed/posts/{post}", None, answers(404, 404, 403, 204, 204, 404)),
    "share into other space": ("POST", "/feed/posts/{post}/share",
                               {"space_id": "other_space", "body": "Look"},
                               answers(404, 404, 404, 404, 404, 404)),
    "comment": ("POST", "/feed/posts/{post}/comments", {"body": "Noted"},
                answers(404, 404, 403, 201, 201, 404)),
    "reply": ("POST", "/feed/posts/{post}/comments", {"body": "Yes", "parent_id": "comment"},
              answers(404, 404, 403, 201, 201, 404)),
    "edit comment": ("PATCH", "/feed/comments/{comment}", {"body": "See you all"},
                     answers(404, 404, 403, 200, 403, 404)),
    "delete comment": ("DELETE", "/feed/comments/{comment}", None,
                       answers(404, 404, 403, 204, 204, 404)),
    "react": ("PUT", "/feed/posts/{post}/reactions/%F0%9F%91%8D", None,
              answers(404, 404, 403, 200, 200, 404)),
    "unreact": ("DELETE", "/feed/posts/{post}/reactions/%F0%9F%91%8D", None,
                answers(404, 404, 403, 200, 200, 404)),
    "react to comment": ("PUT", "/feed/comments/{reply}/reactions/%F0%9F%8E%89", None,
                         answers(404, 404, 403, 200, 200, 404)),
    "unreact to comment": ("DELETE", "/feed/comments/{reply}/reactions/%F0%9F%8E%89", None,
                           answers(404, 404, 403, 200, 200, 404)),
    "vote": ("PUT", "/feed/posts/{post}/vote", {"option_ids": ["option"]},
             answers(404, 404, 403, 200, 200, 404)),
    "pin": ("POST", "/feed/posts/{post}/pin", {"requires_confirmation": True},
            answers(404, 404, 403, 403, 200, 404)),
    "unpin": ("DELETE", "/feed/posts/{announcement}/pin", None,
              answers(404, 404, 403, 403, 200, 404)),
    "confirm": ("POST", "/feed/posts/{announcement}/confirm", None,
                answers(404, 404, 200, 200, 200, 404)),
    "hide post": ("POST", "/feed/posts/{post}/hide", None, answers(404, 404, 403, 403, 200, 404)),
    "unhide post": ("DELETE", "/feed/posts/{post}/hide", None,
                    answers(404, 404, 404, 404, 200, 404)),
    "hide comment": ("POST", "/feed/comments/{comment}/hide", None,
                     answers(404, 404, 403, 403, 200, 404)),
    "unhide comment": ("DELETE", "/feed/comments/{comment}/hide", None,
                       answers(404, 404, 404, 404, 200, 404)),
    "report post": ("POST", "/feed/posts/{post}/report", {"reason": "Spam"},
                    answers(404, 404, 201, 403, 201, 404)),
    "report comment": ("POST", "/feed/posts/{post}/report",
                       {"reason": "Rude", "comment_id": "reply"},
                       answers(404, 404, 201, 201, 403, 404)),
    "resolve report": ("POST", "/feed/reports/{report}/resolve", {"resolution": "dismissed"},
                       answers(404, 404, 404, 404, 200, 404)),
}


def snapshot() -> tuple:
    """Everything a feed write may change, the events and notifications it would send
    included."""
    return (
        sorted(Post.objects.values_list("id", "body", "deleted_at", "hidden_at", "pinned_at",
                                        "requires_confirmation")),
        sorted(Comment.objects.values_list("id", "body", "deleted_at", "hidden_at")),
        sorted(Reaction.objects.values_list("id", "emoji")),
        sorted(PollVote.objects.values_list("id", "option_id")),
        sorted(Report.objects.values_list("id", "resolved_at")),
        sorted(Post.objects.filter(confirmations__isnull=False)
               .values_list("confirmations__user_id", flat=True)),
        EventRecord.objects.count(),
        Notification.objects.count(),
    )


def _prepare(api: FeedApi, name: str) -> None:
    """The state an endpoint acts on: a reaction to take back, a hidden post to show."""
    world = api.world
    if name in ("unreact", "unreact to comment"):
        emoji = "%F0%9F%91%8D" if name == "unreact" else "%F0%9F%8E%89"
        target = "/feed/posts/{post}" if name == "unreact" else "/feed/comments/{reply}"
        for role in ("reader", "member", "space_admin"):
            if role != "reader":
                assert call(api, role, "PUT", api.path(f"{target}/reactions/{emoji}")) \
                    .status_code == 200
    if name in ("unhide post", "unhide comment"):
        target = "/feed/posts/{post}/hide" if name == "unhide post" else \
            "/feed/comments/{comment}/hide"
        assert call(api, "space_admin", "POST", api.path(target)).status_code == 200
    del world


@pytest.mark.parametrize("name", list(CHANGES))
@pytest.mark.parametrize("role", SIGNED_IN)
def test_changes_for_every_role(feed_api, name, role):
    """Each role gets exactly the expected status on each change; a refusal is a JSON error
    and changes nothing."""
    method, template, body, expected = CHANGES[name]
    _prepare(feed_api, name)
    before = snapshot()
    response = call(feed_api, role, method, feed_api.path(template), fill(body, feed_api.ids))
    assert response.status_code == expected[role], response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}
        assert response.json()["error"]["message"]
        assert snapshot() == before


@pytest.mark.parametrize("name", list(CHANGES))
def test_changes_refused_without_a_valid_token(feed_api, name):
    """Anonymous callers and a deactivated person's token get 401, and nothing changes."""
    method, template, body, _expected = CHANGES[name]
    before = snapshot()
    for role in ("anonymous", "deactivated"):
        response = call(feed_api, role, method, feed_api.path(template),
                        fill(body, feed_api.ids))
        assert response.status_code == 401, role
        assert response.json()["error"]["code"] == "unauthenticated"
    assert snapshot() == before


OPEN_CASES = [
    ("member", "POST", "/feed/posts/{post}/share", {"space_id": "space", "body": "Again"}, 201),
    ("outsider", "GET", "/spaces/{space}/feed", None, 200),
    ("outsider", "GET", "/feed/posts/{post}", None, 200),
    ("outsider", "POST", "/spaces/{space}/posts", {"body": "Hi"}, 403),
    ("outsider", "POST", "/feed/posts/{post}/comments", {"body": "Hi"}, 403),
    ("outsider", "PUT", "/feed/posts/{post}/vote", {"option_ids": ["option"]}, 403),
    ("outsider", "POST", "/feed/posts/{post}/report", {"reason": "Spam"}, 201),
    ("guest", "GET", "/spaces/{space}/feed", None, 404),
    ("org_admin", "GET", "/spaces/{space}/feed", None, 200),
    ("org_admin", "POST", "/feed/posts/{post}/hide", None, 200),
    ("org_admin", "GET", "/spaces/{space}/reports", None, 200),
]


def test_open_space_lets_the_organisation_read(open_feed_api):
    """In an open space the outsider and the organisation's admin read the feed (without
    writing in it); the organisation's admin moderates it; guests still see nothing."""
    api = open_feed_api
    expected = [(role, method, template, status)
                for role, method, template, _body, status in OPEN_CASES]
    got = [(role, method, template,
            call(api, role, method, api.path(template), fill(body, api.ids)).status_code)
           for role, method, template, body, _status in OPEN_CASES]
    assert got == expected
