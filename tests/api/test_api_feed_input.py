"""Bad input on the feed API: each answers 400, 413 or 422 with a clear message naming the
field, never a 500, and changes nothing. The caller is the space's admin (who may do
everything) unless a case says otherwise."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from atrium.modules.feed.models import MAX_COMMENT_CHARS, MAX_POST_CHARS, Poll
from tests.api import feed_fixtures
from tests.api.conftest import PREFIX
from tests.api.feed_fixtures import FeedApi, fill, png_bytes, text_file
from tests.api.test_api_feed_matrix import snapshot

feed_api = feed_fixtures.feed_api

PAST = "2001-01-01T00:00:00+00:00"
FUTURE = (timezone.now() + timedelta(days=30)).isoformat()
POSTS = "/spaces/{space}/posts"

# (name, method, path, body, status, code, field)
CASES = [
    ("body too long", "POST", POSTS, {"body": "x" * (MAX_POST_CHARS + 1)}, 422, "invalid",
     "body"),
    ("empty post", "POST", POSTS, {"body": "  \n "}, 400, "required", "body"),
    ("body not text", "POST", POSTS, {"body": 12}, 422, "invalid", "body"),
    ("body with NUL", "POST", POSTS, {"body": "a\x00b"}, 422, "invalid", "body"),
    ("unknown field", "POST", POSTS, {"body": "Hi", "title": "x"}, 422, "invalid", "title"),
    ("announce not a bool", "POST", POSTS, {"body": "Hi", "announce": "maybe"}, 422,
     "invalid", "announce"),
    ("one option", "POST", POSTS, {"body": "Q", "poll": {"options": ["Yes"]}}, 422, "invalid",
     "poll.options"),
    ("too many options", "POST", POSTS, {"body": "Q", "poll": {"options": [str(n) for n in
                                                                          range(21)]}},
     422, "invalid", "poll.options"),
    ("option too long", "POST", POSTS, {"body": "Q", "poll": {"options": ["a", "b" * 201]}},
     422, "invalid", "poll.options.1"),
    ("blank options", "POST", POSTS, {"body": "Q", "poll": {"options": ["a", "  "]}}, 400,
     "required", "poll.options"),
    ("same options", "POST", POSTS, {"body": "Q", "poll": {"options": ["Yes", "yes"]}}, 400,
     "duplicate", "poll.options"),
    ("options not a list", "POST", POSTS, {"body": "Q", "poll": {"options": "a,b"}}, 422,
     "invalid", "poll.options"),
    ("deadline past", "POST", POSTS, {"body": "Q", "poll": {"options": ["a", "b"],
                                                           "closes_at": PAST}},
     400, "past", "poll.closes_at"),
    ("deadline without zone", "POST", POSTS,
     {"body": "Q", "poll": {"options": ["a", "b"], "closes_at": "2031-01-01T10:00:00"}},
     422, "invalid", "poll.closes_at"),
    ("deadline not a date", "POST", POSTS,
     {"body": "Q", "poll": {"options": ["a", "b"], "closes_at": "soon"}}, 422, "invalid",
     "poll.closes_at"),
    ("confirmation without announcement", "POST", POSTS,
     {"body": "Q", "requires_confirmation": True}, 400, "invalid", "announce"),
    ("announcement ending in the past", "POST", POSTS,
     {"body": "Q", "announce": True, "pinned_until": PAST}, 400, "past", "pinned_until"),
    ("edit too long", "PATCH", "/feed/posts/{post}", {"body": "x" * (MAX_POST_CHARS + 1)},
     422, "invalid", "body"),
    ("edit without body", "PATCH", "/feed/posts/{post}", {}, 422, "invalid", "body"),
    ("share into unknown space", "POST", "/feed/posts/{post}/share", {"space_id": 10**12},
     404, "not_found", None),
    ("share id not a number", "POST", "/feed/posts/{post}/share", {"space_id": "x"}, 422,
     "invalid", "space_id"),
    ("comment too long", "POST", "/feed/posts/{post}/comments",
     {"body": "x" * (MAX_COMMENT_CHARS + 1)}, 422, "invalid", "body"),
    ("empty comment", "POST", "/feed/posts/{post}/comments", {"body": " "}, 400, "required",
     "body"),
    ("reply to another post's comment", "POST", "/feed/posts/{announcement}/comments",
     {"body": "Hi", "parent_id": "comment"}, 400, "bad_comment", "parent_id"),
    ("reply to nothing", "POST", "/feed/posts/{post}/comments",
     {"body": "Hi", "parent_id": 10**12}, 400, "bad_comment", "parent_id"),
    ("comment edit empty", "PATCH", "/feed/comments/{reply}", {"body": ""}, 400, "required",
     "body"),
    ("not an emoji", "PUT", "/feed/posts/{post}/reactions/abc", None, 400, "invalid", "emoji"),
    ("html as emoji", "PUT", "/feed/posts/{post}/reactions/%3Cb%3E", None, 400, "invalid",
     "emoji"),
    ("emoji too long", "PUT", "/feed/posts/{post}/reactions/" + "%F0%9F%91%8D" * 33, None, 422,
     "invalid", "path.emoji"),
    ("take back a non-emoji", "DELETE", "/feed/comments/{comment}/reactions/abc", None, 400,
     "invalid", "emoji"),
    ("option of no poll", "PUT", "/feed/posts/{post}/vote", {"option_ids": [10**12]}, 400,
     "invalid", "option_ids"),
    ("two options in a single poll", "PUT", "/feed/posts/{post}/vote",
     {"option_ids": ["option", "option2"]}, 400, "single", "option_ids"),
    ("option ids not numbers", "PUT", "/feed/posts/{post}/vote", {"option_ids": ["x"]}, 422,
     "invalid", "option_ids.0"),
    ("vote without options", "PUT", "/feed/posts/{post}/vote", {}, 422, "invalid",
     "option_ids"),
    ("vote on a post without poll", "PUT", "/feed/posts/{announcement}/vote",
     {"option_ids": []}, 400, "no_poll", "option_ids"),
    ("pin ending in the past", "POST", "/feed/posts/{post}/pin", {"until": PAST}, 400, "past",
     "until"),
    ("empty reason", "POST", "/feed/posts/{post}/report", {"reason": ""}, 422, "invalid",
     "reason"),
    ("blank reason", "POST", "/feed/posts/{post}/report", {"reason": "   "}, 400, "required",
     "reason"),
    ("reason too long", "POST", "/feed/posts/{post}/report", {"reason": "x" * 1001}, 422,
     "invalid", "reason"),
    ("report another post's comment", "POST", "/feed/posts/{announcement}/report",
     {"reason": "Rude", "comment_id": "comment"}, 400, "bad_comment", "comment_id"),
    ("unknown resolution", "POST", "/feed/reports/{report}/resolve", {"resolution": "burn"},
     422, "invalid", "resolution"),
    ("bad cursor", "GET", "/feed/home?before=bm90LWEtZGF0ZXwx", None, 400, "bad_cursor",
     "before"),
    ("cursor with odd characters", "GET", "/spaces/{space}/feed?before=%3Cx%3E", None, 422,
     "invalid", "query.before"),
    ("page too large", "GET", "/feed/home?limit=51", None, 422, "invalid", "query.limit"),
    ("page of nothing", "GET", "/feed/home?limit=0", None, 422, "invalid", "query.limit"),
    ("unknown order", "GET", "/feed/home?order=random", None, 422, "invalid", "query.order"),
    ("empty search", "GET", "/feed/search?q=", None, 422, "invalid", "query.q"),
    ("search too long", "GET", "/feed/search?q=" + "x" * 101, None, 422, "invalid", "query.q"),
    ("hashtag too long", "GET", "/feed/hashtags/" + "x" * 62, None, 422, "invalid", "path.name"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c[0]) for c in CASES])
def test_bad_input_is_refused_clearly(feed_api, case):
    """Exact status, stable code and the offending field; nothing changes."""
    _name, method, template, body, status, code, field = case
    before = snapshot()
    response = feed_api.call("space_admin", method, feed_api.path(template),
                             fill(body, feed_api.ids))
    assert response.status_code == status, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert error.get("field") == field, error
    assert snapshot() == before


@pytest.mark.parametrize("raw", [b"{", b"[1, 2]", b"null", b'"text"', b"\xff\xfe",
                                 b'{"body": ' + b"[" * 3000 + b"]" * 3000 + b"}"])
def test_malformed_json_is_a_clear_400_or_422(feed_api, raw):
    """A body that is not a JSON object answers 400 (not JSON) or 422 (wrong shape)."""
    before = snapshot()
    response = feed_api.call("member", "POST", feed_api.path(POSTS), raw=raw)
    assert response.status_code in (400, 422), response.content[:200]
    assert response.json()["error"]["message"]
    assert snapshot() == before


def test_a_huge_body_is_refused_before_it_is_read(feed_api):
    """A request body past the server's limit answers 413, whatever it holds."""
    body = json.dumps({"body": "x" * 3_000_000})
    response = feed_api.call("member", "POST", feed_api.path(POSTS), raw=body)
    assert response.status_code in (413, 422), response.content[:200]
    assert response.json()["error"]["code"] in ("too_large", "invalid")


def test_a_closed_poll_refuses_votes(feed_api):
    """Once past its deadline a poll answers 400 `closed` and keeps its votes."""
    Poll.objects.filter(post_id=feed_api.ids["post"]).update(
        closes_at=timezone.now() - timedelta(minutes=1))
    before = snapshot()
    response = feed_api.call("member", "PUT", feed_api.path("/feed/posts/{post}/vote"),
                             {"option_ids": [feed_api.ids["option"]]})
    assert response.status_code == 400
    assert response.json()["error"] | {"message": ""} == {"code": "closed", "message": "",
                                                          "field": "option_ids"}
    post = feed_api.call("member", "GET", feed_api.path("/feed/posts/{post}")).json()
    assert post["poll"]["is_open"] is False
    assert snapshot() == before


def _multipart(api: FeedApi, role: str, data: dict) -> object:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api.secret(role)}")
    return client.post(PREFIX + api.path("/spaces/{space}/posts/with-files"), data)


def test_a_fake_image_is_refused(feed_api):
    """Bytes that are not an image, sent as an image, answer 400 and store nothing."""
    before = snapshot()
    response = _multipart(feed_api, "member", {"payload": '{"body": "Look"}',
                                               "images": [text_file("fake.png")]})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "bad_type"
    assert response.json()["error"]["field"] == "images"
    assert snapshot() == before


@override_settings(ATRIUM_MAX_UPLOAD_BYTES=1000)
def test_a_file_past_the_upload_limit_answers_413(feed_api):
    """An oversized file is cut while it arrives and answers 413 on `files`."""
    before = snapshot()
    response = _multipart(feed_api, "member", {"payload": '{"body": "Big"}',
                                               "files": [text_file("big.txt", b"x" * 5000)]})
    assert response.status_code == 413, response.content
    assert response.json()["error"]["field"] == "files"
    assert snapshot() == before
    reader = _multipart(feed_api, "reader", {"payload": '{"body": "Big"}',
                                             "files": [text_file("big.txt", b"x" * 5000)]})
    assert reader.status_code == 403


@pytest.mark.parametrize("payload,field", [
    ("{", "payload"), ('{"body": 5}', "body"), ('{"poll": {"options": []}}', "poll.options"),
    ('{"body": "x", "extra": 1}', "extra"),
])
def test_a_bad_payload_field_in_a_multipart_post(feed_api, payload, field):
    """The JSON of the form field `payload` is checked like the JSON body (and its errors
    name the same fields)."""
    before = snapshot()
    response = _multipart(feed_api, "member", {"payload": payload,
                                               "images": [feed_fixtures.png()]})
    assert response.status_code in (400, 422), response.content
    error = response.json()["error"]
    assert error["message"]
    if response.status_code == 422:
        assert error["field"] == field
    assert snapshot() == before


def test_too_many_files_at_once(feed_api):
    """More images than a post holds answers 400 on `images` and stores nothing."""
    before = snapshot()
    images = [feed_fixtures.SimpleUploadedFile(f"p{n}.png", png_bytes(), "image/png")
              for n in range(21)]
    response = _multipart(feed_api, "member", {"payload": '{"body": "Album"}',
                                               "images": images})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "images"
    assert snapshot() == before
