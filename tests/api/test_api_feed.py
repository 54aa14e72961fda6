"""The feed API's answers: what a post carries and to whom, paging, files, polls, reactions,
comments, announcements, reports, other modules' items, a secret space's canary, switches
and the rate limit. Rights per role are in test_api_feed_matrix.py."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser

from django.test import Client

from atrium.kernel import content
from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.models import SpaceRole, Visibility
from atrium.modules.feed.actions import do_create_post
from atrium.modules.feed.api import throttle
from atrium.modules.feed.models import Post
from tests.api import feed_fixtures
from tests.api.conftest import PREFIX
from tests.api.feed_fixtures import png, text_file
from tests.factories import make_space

feed_api = feed_fixtures.feed_api
open_feed_api = feed_fixtures.open_feed_api


def _posts(page: dict) -> list[dict]:
    return [item["post"] for item in page["items"] if item["type"] == "post"]


def _bodies(page: dict) -> list[str]:
    return [p["html"] for p in _posts(page)]


def test_a_post_answers_everything_a_card_needs(feed_api):
    """Author, space, html, poll, reactions, last comments with replies, abilities; the
    Markdown body only for the one who may edit it."""
    api = feed_api
    mine = api.call("member", "GET", api.path("/feed/posts/{post}")).json()
    assert mine["author"]["id"] == api.ids["member"]
    assert mine["space"]["id"] == api.ids["space"]
    assert "<strong>nine</strong>" in mine["html"]
    assert mine["body"] == "Ward round at **nine** #cardio"
    assert mine["abilities"]["edit"] is True and mine["abilities"]["pin"] is False
    assert [o["label"] for o in mine["poll"]["options"]] == ["Yes", "No", "Maybe"]
    assert mine["poll"]["is_open"] is True and mine["poll"]["total"] == 0
    assert mine["files"][0]["name"] == "notes.txt" and mine["images"] == []
    assert mine["comment_count"] == 2
    [comment] = mine["comments"]
    assert comment["id"] == api.ids["comment"]
    assert [r["id"] for r in comment["replies"]] == [api.ids["reply"]]
    theirs = api.call("space_admin", "GET", api.path("/feed/posts/{post}")).json()
    assert theirs["body"] is None and theirs["html"] == mine["html"]
    assert theirs["abilities"]["hide"] is True and theirs["abilities"]["edit"] is False


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element of `html` with its attributes, as a browser's parser reads them."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_hostile_text_is_rendered_inert(feed_api):
    """Scripts, event handlers and javascript: links never reach the html of a post or a
    comment; labels and reasons come back as data, never as markup."""
    api = feed_api
    hostile = ('<script>alert(1)</script> <img src=x onerror=alert(1)> '
               '[x](javascript:alert(1)) "><svg onload=alert(1)> #<script>')
    post = api.call("member", "POST", api.path("/spaces/{space}/posts"),
                    {"body": hostile, "poll": {"options": ["<b>a</b>", "<i>b</i>"]}})
    assert post.status_code == 201, post.content
    comment = api.call("member", "POST", f"/feed/posts/{post.json()['id']}/comments",
                       {"body": hostile})
    assert comment.status_code == 201
    for html in (post.json()["html"], comment.json()["html"]):
        tags = _tags(html)
        assert tags and not {"script", "img", "svg"} & {tag for tag, _attrs in tags}, tags
        for _tag, attrs in tags:
            assert not [name for name, _value in attrs if name.startswith("on")], attrs
            assert not [v for _n, v in attrs if "javascript:" in (v or "").lower()], attrs
    assert [o["label"] for o in post.json()["poll"]["options"]] == ["<b>a</b>", "<i>b</i>"]


def test_images_and_files_are_posted_and_downloaded(feed_api):
    """A multipart post keeps its images (shown inline) and files (downloaded), each served
    through the API to those who read the post."""
    api = feed_api
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.secret('member')}")
    response = client.post(PREFIX + api.path("/spaces/{space}/posts/with-files"),
                           {"payload": '{"body": "Ward photos"}', "images": [png(), png("b.png")],
                            "files": [text_file("plan.txt", b"Plan\n")]})
    assert response.status_code == 201, response.content
    post = response.json()
    assert [i["name"] for i in post["images"]] == ["pixel.png", "b.png"]
    assert post["images"][0]["width"] == 4 and post["images"][0]["height"] == 3
    assert [f["name"] for f in post["files"]] == ["plan.txt"]
    image = client.get(PREFIX.removesuffix("/api/v1") + post["images"][0]["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert "inline" in image["Content-Disposition"]
    document = client.get(PREFIX.removesuffix("/api/v1") + post["files"][0]["url"])
    assert document.status_code == 200 and b"".join(document.streaming_content) == b"Plan\n"
    assert "attachment" in document["Content-Disposition"]
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {api.secret('outsider')}")
    assert outsider.get(PREFIX.removesuffix("/api/v1") + post["files"][0]["url"]) \
        .status_code == 404


def test_feeds_page_with_an_opaque_cursor(feed_api):
    """Walking the home feed two items at a time gives every post once, newest first, and
    ends with a null cursor."""
    api = feed_api
    for n in range(5):
        do_create_post(api.world.member, api.world.space, body=f"Note {n}")
    seen, cursor, pages = [], None, 0
    while True:
        query = "/feed/home?limit=2" + (f"&before={cursor}" if cursor else "")
        page = api.call("reader", "GET", query).json()
        seen += [p["id"] for p in _posts(page)]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            break
        assert pages < 10
    everything = list(Post.objects.filter(space=api.world.space, deleted_at__isnull=True)
                      .order_by("-created_at", "-id").values_list("pk", flat=True))
    assert seen == everything and len(seen) == 7
    space_page = api.call("reader", "GET", api.path("/spaces/{space}/feed?limit=50")).json()
    assert [p["id"] for p in _posts(space_page)] == everything


def test_other_modules_items_come_as_module_cards(feed_api):
    """Content published by another module (a saved link) appears as a generic item."""
    api = feed_api
    content.publish(space=api.world.space, module_id="links", kind="link", object_id=4242,
                    author=api.world.member, verb="saved a link", title="Guidelines",
                    url="/s/x/links/")
    page = api.call("reader", "GET", "/feed/home").json()
    modules = [i["item"] for i in page["items"] if i["type"] == "module"]
    assert [(m["module"], m["kind"], m["object_id"], m["title"]) for m in modules] == \
        [("links", "link", 4242, "Guidelines")]
    assert modules[0]["author"]["id"] == api.ids["member"]
    assert api.call("outsider", "GET", "/feed/home").json()["items"] == []


def test_secret_space_canary_never_reaches_anyone_else(feed_api):
    """A post of a secret space stays out of the home, hashtag, person and search answers
    of everybody outside it, the organisation's admin included."""
    api = feed_api
    world = api.world
    secret = make_space(world.space_admin, Visibility.SECRET, "Board")
    canary = f"CANARY-{uuid.uuid4().hex[:8]}"
    do_create_post(world.space_admin, secret, body=f"{canary} #canarytag")
    paths = ["/feed/home", "/feed/hashtags/canarytag", f"/feed/search?q={canary}",
             f"/people/{world.space_admin.pk}/feed", "/feed/announcements",
             f"/spaces/{secret.pk}/feed"]
    for role in ("guest", "outsider", "reader", "member", "org_admin"):
        for path in paths:
            response = api.call(role, "GET", path)
            assert canary not in response.content.decode(), (role, path)
    assert canary in api.call("space_admin", "GET", "/feed/hashtags/canarytag").content.decode()
    assert canary in api.call("space_admin", "GET", f"/feed/search?q={canary}") \
        .content.decode()


def test_votes_replace_each_other_and_count(feed_api):
    """A vote answers the poll's counts; voting again replaces it; an empty list takes it
    back."""
    api = feed_api
    path = api.path("/feed/posts/{post}/vote")
    first = api.call("member", "PUT", path, {"option_ids": [api.ids["option"]]}).json()["poll"]
    assert first["total"] == 1 and first["my_votes"] == [api.ids["option"]]
    assert [o["votes"] for o in first["options"]] == [1, 0, 0]
    again = api.call("member", "PUT", path, {"option_ids": [api.ids["option2"]]}).json()["poll"]
    assert [o["votes"] for o in again["options"]] == [0, 1, 0] and again["total"] == 1
    other = api.call("space_admin", "PUT", path, {"option_ids": [api.ids["option2"]]}).json()
    assert other["poll"]["options"][1] == {"id": api.ids["option2"], "label": "No",
                                           "votes": 2, "mine": True}
    back = api.call("member", "PUT", path, {"option_ids": []}).json()["poll"]
    assert back["my_votes"] == [] and back["total"] == 1


def test_reactions_are_set_and_taken_back_idempotently(feed_api):
    """PUT twice leaves one reaction, DELETE twice none; the answer says where I stand."""
    api = feed_api
    path = api.path("/feed/posts/{post}/reactions/%F0%9F%91%8D")
    for _ in range(2):
        answer = api.call("member", "PUT", path).json()
        assert answer == {"present": True, "reactions": [{"emoji": "👍", "count": 1,
                                                          "mine": True}]}
    assert api.call("space_admin", "PUT", path).json()["reactions"] == \
        [{"emoji": "👍", "count": 2, "mine": True}]
    for _ in range(2):
        answer = api.call("member", "DELETE", path).json()
        assert answer == {"present": False, "reactions": [{"emoji": "👍", "count": 1,
                                                           "mine": False}]}
    short = api.call("member", "PUT", api.path("/feed/comments/{reply}/reactions/:tada:"))
    assert short.json()["reactions"] == [{"emoji": ":tada:", "count": 1, "mine": True}]
    post = api.call("member", "GET", api.path("/feed/posts/{post}")).json()
    assert post["reactions"] == [{"emoji": "👍", "count": 1, "mine": False}]


def test_comments_list_every_comment_with_replies(feed_api):
    """Top-level comments oldest first, replies inside; a reply to a reply joins its
    top-level comment; edits show in html and, for the author only, in body."""
    api = feed_api
    reply = api.call("member", "POST", api.path("/feed/posts/{post}/comments"),
                     {"body": "And **me**", "parent_id": api.ids["reply"]}).json()
    assert reply["parent_id"] == api.ids["comment"]
    assert api.call("space_admin", "POST", api.path("/feed/posts/{post}/comments"),
                    {"body": "x"}).status_code == 201
    edited = api.call("member", "PATCH", api.path("/feed/comments/{comment}"),
                      {"body": "See you *there*"}).json()
    assert "<em>there</em>" in edited["html"] and edited["edited_at"]
    page = api.call("reader", "GET", api.path("/feed/posts/{post}/comments")).json()
    top, last = page["items"]
    assert page["count"] == 4 and page["next_after"] is None
    assert top["id"] == api.ids["comment"] and top["body"] is None
    assert [r["id"] for r in top["replies"]] == [api.ids["reply"], reply["id"]]
    assert last["html"] == "<p>x</p>\n" and last["replies"] == []
    deleted = api.call("member", "DELETE", f"/feed/comments/{reply['id']}")
    assert deleted.status_code == 204
    assert api.call("member", "GET", f"/feed/posts/{api.ids['post']}/comments") \
        .json()["count"] == 3


def test_comments_page_with_after(feed_api):
    """Walking the comments two top-level ones at a time gives each once, oldest first."""
    api = feed_api
    path = api.path("/feed/posts/{post}/comments")
    made = [api.call("member", "POST", path, {"body": f"c{n}"}).json()["id"] for n in range(4)]
    seen, after = [], None
    for _ in range(5):
        page = api.call("reader", "GET", path + "?limit=2" + (f"&after={after}" if after
                                                                   else "")).json()
        seen += [c["id"] for c in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert seen == [api.ids["comment"], *made]


def test_announcement_confirmations_flow(feed_api):
    """The reader confirms; the author sees who confirmed and who has not yet."""
    api = feed_api
    path = api.path("/feed/posts/{announcement}")
    listed = api.call("reader", "GET", api.path("/spaces/{space}/announcements")).json()
    assert [p["id"] for p in listed] == [api.ids["announcement"]]
    assert listed[0]["requires_confirmation"] and not listed[0]["confirmed"]
    done = api.call("reader", "POST", f"{path}/confirm")
    assert done.status_code == 200 and done.json()["user_id"] == api.world.reader.pk
    assert api.call("reader", "GET", path).json()["confirmed"] is True
    status = api.call("space_admin", "GET", f"{path}/confirmations").json()
    assert [p["id"] for p in status["confirmed"]] == [api.world.reader.pk]
    assert api.world.member.pk in [p["id"] for p in status["pending"]]
    assert api.world.reader.pk not in [p["id"] for p in status["pending"]]
    assert api.call("space_admin", "DELETE", f"{path}/pin").json()["pinned"] is False
    assert api.call("reader", "GET", api.path("/spaces/{space}/announcements")).json() == []


def test_reports_are_resolved_by_hiding(feed_api):
    """The admin sees the open report, resolves it by hiding the post: the post leaves the
    member's feed (404 for them), stays for the admin marked hidden."""
    api = feed_api
    reports = api.call("space_admin", "GET", api.path("/spaces/{space}/reports")).json()
    assert [(r["id"], r["reason"]) for r in reports] == [(api.ids["report"], "Wrong room")]
    resolved = api.call("space_admin", "POST", api.path("/feed/reports/{report}/resolve"),
                        {"resolution": "hidden"})
    assert resolved.status_code == 200 and resolved.json()["resolution"] == "hidden"
    assert api.call("space_admin", "GET", api.path("/spaces/{space}/reports")).json() == []
    assert api.call("member", "GET", api.path("/feed/posts/{post}")).status_code == 404
    assert api.ids["post"] not in [p["id"] for p in _posts(
        api.call("member", "GET", api.path("/spaces/{space}/feed")).json())]
    assert api.call("space_admin", "GET", api.path("/feed/posts/{post}")).json()["hidden"]


def test_share_shows_the_original_to_its_readers(open_feed_api):
    """A share carries the original post; sharing needs an open space's post."""
    api = open_feed_api
    lobby = make_space(api.world.space_admin, Visibility.OPEN, "Lobby")
    do_add_member(api.world.space_admin, lobby, api.world.member, SpaceRole.MEMBER)
    shared = api.call("member", "POST", api.path("/feed/posts/{post}/share"),
                      {"space_id": lobby.pk, "body": "Worth reading"})
    assert shared.status_code == 201, shared.content
    answer = shared.json()
    assert answer["space"]["id"] == lobby.pk and answer["shared_from_id"] == api.ids["post"]
    assert answer["shared"]["id"] == api.ids["post"]
    assert "Ward round" in answer["shared"]["html"] and not answer["shared_unavailable"]
    assert api.call("member", "DELETE", api.path("/feed/posts/{post}")).status_code == 204
    after = api.call("member", "GET", f"/feed/posts/{answer['id']}").json()
    assert after["shared"] is None and after["shared_unavailable"] is True


def test_posts_of_a_private_space_are_not_shared(feed_api):
    """Sharing a private space's post answers 403 on the post and makes nothing."""
    api = feed_api
    before = Post.objects.count()
    refused = api.call("member", "POST", api.path("/feed/posts/{post}/share"),
                       {"space_id": api.ids["space"], "body": "Again"})
    assert refused.status_code == 403
    assert refused.json()["error"]["field"] == "post_id"
    assert Post.objects.count() == before


def test_deleted_posts_leave_every_answer(feed_api):
    """Once deleted a post answers 404 and leaves the feeds, search and its files."""
    api = feed_api
    assert api.call("member", "DELETE", api.path("/feed/posts/{post}")).status_code == 204
    assert api.call("member", "GET", api.path("/feed/posts/{post}")).status_code == 404
    assert api.call("member", "GET", api.path("/feed/posts/{post}/comments")).status_code == 404
    assert "Ward round" not in api.call("member", "GET", "/feed/home").content.decode()
    assert api.call("member", "GET", "/feed/search?q=ward").json() == []
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.secret('member')}")
    assert client.get(PREFIX + api.path("/feed/attachments/{file}")).status_code == 404


def test_switched_off_feed_answers_404(feed_api):
    """Off for the instance, then for the space: the feed's addresses answer as missing."""
    api = feed_api
    paths = [("GET", "/spaces/{space}/feed"), ("GET", "/feed/posts/{post}"),
             ("POST", "/spaces/{space}/posts"), ("GET", "/feed/posts/{post}/comments"),
             ("PUT", "/feed/posts/{post}/vote")]
    bodies = {"POST": {"body": "Hi"}, "PUT": {"option_ids": [api.ids["option"]]}}

    def statuses() -> list[int]:
        return [api.call("member", method, api.path(path), bodies.get(method)).status_code
                for method, path in paths]

    assert statuses() == [200, 200, 201, 200, 200]
    assert api.call("org_admin", "PUT", "/modules/feed", {"enabled": False}).status_code == 200
    assert statuses() == [404] * 5
    assert api.call("member", "GET", "/feed/home").json()["items"] == []
    assert api.call("org_admin", "PUT", "/modules/feed", {"enabled": True}).status_code == 200
    off = api.call("space_admin", "PUT", api.path("/spaces/{space}/modules/feed"),
                   {"enabled": False})
    assert off.status_code == 200, off.content
    assert statuses() == [404] * 5


def test_posting_too_fast_answers_429(feed_api, monkeypatch):
    """Past the allowance a person gets 429 with Retry-After; others may still post, and
    the window slides."""
    api = feed_api
    for n in range(throttle.POSTS_PER_WINDOW):
        do_create_post(api.world.member, api.world.space, body=f"Quick {n}")
    path = api.path("/spaces/{space}/posts")
    refused = api.call("member", "POST", path, {"body": "One more"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled" and int(refused["Retry-After"]) >= 1
    assert api.call("space_admin", "POST", path, {"body": "Me"}).status_code == 201
    later = throttle.clock() + throttle.WINDOW_SECONDS + 1
    monkeypatch.setattr(throttle, "clock", lambda: later)
    assert api.call("member", "POST", path, {"body": "Later"}).status_code == 201


def test_the_openapi_document_lists_the_feed(feed_api):
    """Every feed route is documented under the tag "feed" with its error answers."""
    document = Client().get(f"{PREFIX}/openapi.json").json()
    feed_ops = {f"{method.upper()} {path.removeprefix(PREFIX)}"
                for path, ops in document["paths"].items() for method, op in ops.items()
                if "feed" in op.get("tags", [])}
    for expected in ("GET /feed/home", "GET /spaces/{space_id}/feed",
                     "GET /people/{user_id}/feed", "GET /feed/hashtags/{name}",
                     "GET /feed/search", "GET /feed/announcements",
                     "GET /spaces/{space_id}/announcements", "POST /spaces/{space_id}/posts",
                     "POST /spaces/{space_id}/posts/with-files", "GET /feed/posts/{post_id}",
                     "PATCH /feed/posts/{post_id}", "DELETE /feed/posts/{post_id}",
                     "POST /feed/posts/{post_id}/share", "GET /feed/posts/{post_id}/comments",
                     "POST /feed/posts/{post_id}/comments", "PATCH /feed/comments/{comment_id}",
                     "DELETE /feed/comments/{comment_id}",
                     "PUT /feed/posts/{post_id}/reactions/{emoji}",
                     "DELETE /feed/comments/{comment_id}/reactions/{emoji}",
                     "PUT /feed/posts/{post_id}/vote", "POST /feed/posts/{post_id}/pin",
                     "DELETE /feed/posts/{post_id}/pin", "POST /feed/posts/{post_id}/confirm",
                     "GET /feed/posts/{post_id}/confirmations", "POST /feed/posts/{post_id}/hide",
                     "DELETE /feed/comments/{comment_id}/hide",
                     "POST /feed/posts/{post_id}/report", "GET /spaces/{space_id}/reports",
                     "POST /feed/reports/{report_id}/resolve",
                     "GET /feed/attachments/{attachment_id}"):
        assert expected in feed_ops, expected


def test_a_browser_session_posts_with_the_csrf_token(feed_api):
    """The pages may call the API with their session: without the CSRF header a write is a
    JSON 403 and makes nothing; with it, it goes through."""
    api = feed_api
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(api.world.member, backend="django.contrib.auth.backends.ModelBackend")
    path = PREFIX + api.path("/spaces/{space}/posts")
    before = Post.objects.count()
    refused = browser.post(path, {"body": "Forged"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert Post.objects.count() == before
    browser.get("/spaces/")  # sets the csrftoken cookie, as a page would
    accepted = browser.post(path, {"body": "Genuine"}, content_type="application/json",
                            HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert accepted.status_code == 201
    assert browser.get(PREFIX + "/feed/home").status_code == 200
