"""Garbage on every feed operation, with ids that exist, so it reaches the deepest code
(test_api_fuzz.py covers the same operations with ids that do not): never a 500, always a
JSON error. The caller is the space's admin, who reads, writes and moderates the space."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.test import Client

from tests.api import feed_fixtures
from tests.api.test_api_fuzz import (
    BAD_BODIES,
    BAD_IDS,
    BAD_VALUES,
    OPERATIONS,
    _check,
    _fill,
    _properties,
)

feed_api = feed_fixtures.feed_api
FEED_PATHS = ("/feed/", "/spaces/{space_id}/posts", "/spaces/{space_id}/feed",
              "/spaces/{space_id}/announcements", "/spaces/{space_id}/reports",
              "/people/{user_id}/feed")
FEED = [op for op in OPERATIONS if any(part in op[1] for part in FEED_PATHS)]
BAD_QUERY = ["abc", "-1", "0", "99999999999999999999", "x" * 5000, "%00", "1e400", "",
             "2024-13-45T99:99", "true", "%F0%9F%98%80", "MjAyNHwx", "bm90LWEtZGF0ZXwx",
             "%2F..%2F"]


@pytest.mark.parametrize("method,path,op", [pytest.param(*o, id=f"{o[0]} {o[1]}")
                                            for o in FEED])
def test_feed_operation_survives_garbage(feed_api, method, path, op):
    """Garbage ids, query values and bodies on real objects: a JSON 4xx, never a 500."""
    ids = feed_api.ids
    valid = {"space_id": str(ids["space"]), "post_id": str(ids["post"]),
             "comment_id": str(ids["comment"]), "report_id": str(ids["report"]),
             "attachment_id": str(ids["file"]), "user_id": str(ids["member"]),
             "name": "cardio", "emoji": quote("👍")}
    client = Client(HTTP_AUTHORIZATION=f"Bearer {feed_api.secret('space_admin')}")
    for name in [s.split("}")[0] for s in path.split("{")[1:]]:
        for bad in [*BAD_IDS, "x" * 300, "%2F", "%0A", "%23", "%20"]:
            response = client.generic(method, _fill(path, {**valid, name: bad}, "1"), b"{}",
                                      content_type="application/json")
            if "attachments" not in path or response.status_code >= 400:
                _check(response)
    target = _fill(path, valid, "1")
    for parameter in [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]:
        for bad in BAD_QUERY:
            _check(client.generic(method, f"{target}?{parameter}={bad}"))
    if "requestBody" not in op:
        return
    for raw in BAD_BODIES:
        _check(client.generic(method, target, raw, content_type="application/json"))
    _check(client.generic(method, target, b"--x\r\n\r\n", content_type="multipart/form-data"))
    _check(client.generic(method, target, b"--x\r\n\r\n",
                          content_type="multipart/form-data; boundary=x"))
    for name in _properties(op):
        for bad in BAD_VALUES:
            _check(client.generic(method, target, json.dumps({name: bad}),
                                  content_type="application/json"))
        if "multipart/form-data" in op["requestBody"].get("content", {}):
            for bad in ["{", "[]", "null", '{"body": 1}', "x" * 30_000, '{"poll": {}}']:
                _check(client.post(target, {name: bad}))


def test_the_fuzz_covers_every_feed_operation():
    """The parametrised fuzz above is only as good as its list: it must hold the feed API."""
    paths = {f"{method} {path}" for method, path, _op in FEED}
    assert len(FEED) >= 34, sorted(paths)
    for expected in ("GET /api/v1/feed/home", "POST /api/v1/spaces/{space_id}/posts",
                     "POST /api/v1/spaces/{space_id}/posts/with-files",
                     "PUT /api/v1/feed/posts/{post_id}/reactions/{emoji}",
                     "PUT /api/v1/feed/posts/{post_id}/vote",
                     "POST /api/v1/feed/reports/{report_id}/resolve",
                     "GET /api/v1/people/{user_id}/feed"):
        assert expected in paths, expected
