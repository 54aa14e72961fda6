"""/static/ is served straight from ASGI: only collected files, cached right, gzip when asked."""

import gzip

import pytest
from asgiref.sync import async_to_sync

from atrium.web.staticserve import StaticFiles


async def not_django(scope, receive, send):
    await send({"type": "http.response.start", "status": 599, "headers": []})
    await send({"type": "http.response.body", "body": b"django"})


def call(app, path, method="GET", headers=()):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "method": method, "headers": list(headers)}
    async_to_sync(app)(scope, receive, send)
    start, body = sent[0], sent[1]["body"]
    return start["status"], dict(start["headers"]), body


@pytest.fixture
def app(tmp_path):
    root = tmp_path / "static"
    (root / "atrium").mkdir(parents=True)
    (root / "atrium" / "app.0123456789ab.js").write_text("console.log('x');" * 50)
    gz = gzip.compress((root / "atrium" / "app.0123456789ab.js").read_bytes())
    (root / "atrium" / "app.0123456789ab.js.gz").write_bytes(gz)
    (root / "atrium" / "plain.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("data-dir secret")
    return StaticFiles(not_django, root)


def test_hashed_files_are_immutable_and_gzipped_when_accepted(app):
    """A hashed name is cached for a year; gzip is sent to clients that accept it."""
    status, headers, body = call(app, "/static/atrium/app.0123456789ab.js",
                                 headers=[(b"accept-encoding", b"gzip, br")])
    assert status == 200
    assert headers[b"content-encoding"] == b"gzip"
    assert b"immutable" in headers[b"cache-control"]
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert gzip.decompress(body).startswith(b"console.log")
    status, headers, body = call(app, "/static/atrium/app.0123456789ab.js")
    assert b"content-encoding" not in headers and body.startswith(b"console.log")


def test_unhashed_files_get_a_short_cache(app):
    """Names without a content hash are cached for an hour only."""
    _status, headers, _body = call(app, "/static/atrium/plain.css")
    assert headers[b"cache-control"] == b"public, max-age=3600"
    assert headers[b"content-type"].startswith(b"text/css")


@pytest.mark.parametrize("path", [
    "/static/../secret.txt", "/static/atrium/../../secret.txt", "/static/%2e%2e/secret.txt",
    "/static/atrium/plain.css\x00.js", "/static/atrium/", "/static/", "/static/missing.js",
])
def test_nothing_outside_the_collected_files_is_served(app, path):
    """Traversal, NUL bytes, folders and missing files all answer 404."""
    status, _headers, body = call(app, path)
    assert status == 404 and b"secret" not in body


def test_only_get_and_head(app):
    """HEAD has headers and no body; other methods are refused."""
    status, headers, body = call(app, "/static/atrium/plain.css", method="HEAD")
    assert status == 200 and body == b"" and headers[b"content-length"] == b"6"
    assert call(app, "/static/atrium/plain.css", method="POST")[0] == 404


def test_other_paths_go_to_django(app):
    """Anything outside /static/ is passed on untouched."""
    assert call(app, "/spaces/")[0] == 599
