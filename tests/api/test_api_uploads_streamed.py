"""tus PATCH bodies under ASGI (`kernel/tusasgi.py`): streamed into the upload as they
arrive, judged like the API (token, or session with CSRF), and a PATCH cut mid-body keeps
the bytes received before the cut. Other requests pass through untouched."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import Client, override_settings

from atrium.kernel import resumable
from atrium.kernel.tusasgi import TusPatchStreaming

OCTETS = b"application/offset+octet-stream"


@pytest.fixture(autouse=True)
def data_dir(tmp_path):
    with override_settings(DATA_DIR=tmp_path):
        yield tmp_path


class Django:
    """Stands for Django behind the wrapper: records what reached it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls.append(f"{scope['method']} {scope['path']}")
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def run(app: Any, path: str, headers: dict[str, str], chunks: list[bytes], *,
        cut: bool = False, method: str = "PATCH") -> tuple[int, dict[str, str], bytes]:
    """Send `chunks` as the body; with `cut`, the client goes away after the last one."""
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": chunk, "more_body": cut or n < len(chunks) - 1}
        for n, chunk in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "scheme": "http",
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    async_to_sync(app)(scope, receive, send)
    answer = {k.decode().lower(): v.decode() for k, v in sent[0].get("headers", [])}
    return sent[0]["status"], answer, b"".join(m.get("body", b"") for m in sent[1:])


def tus_headers(api, offset: int, length: int, role: str = "member") -> dict[str, str]:
    return {"Authorization": f"Bearer {api.secret(role)}", "Tus-Resumable": "1.0.0",
            "Content-Type": OCTETS.decode(), "Upload-Offset": str(offset),
            "Content-Length": str(length)}


def _upload(api, length: int) -> str:
    return resumable.create(api.world.member, length, {"filename": "big.bin"}).key


def test_a_patch_streams_into_the_upload(api):
    data = bytes(range(256)) * 1000
    key = _upload(api, len(data))
    chunks = [data[i:i + 65536] for i in range(0, len(data), 65536)]
    app = TusPatchStreaming(Django())
    status, headers, _body = run(app, f"/api/v1/uploads/{key}", tus_headers(api, 0, len(data)),
                                 chunks)
    assert (status, headers["upload-offset"], headers["tus-resumable"]) == \
        (204, str(len(data)), "1.0.0")
    assert app.app.calls == []
    with resumable.claim(api.world.member, key) as upload:
        assert upload.sha256 == hashlib.sha256(data).hexdigest()


def test_a_patch_cut_mid_body_keeps_the_bytes_received(api):
    """The client declared 1 MB, sent 300 KB and went away: the offset is 300 KB, and the
    rest resumes from there into a file whose hash is right."""
    data = b"\x01" * 300_000 + b"\x02" * 748_576
    key = _upload(api, len(data))
    app = TusPatchStreaming(Django())
    path = f"/api/v1/uploads/{key}"
    run(app, path, tus_headers(api, 0, len(data)), [data[:100_000], data[100_000:300_000]],
        cut=True)
    assert resumable.get(api.world.member, key).offset == 300_000
    status, headers, _body = run(app, path, tus_headers(api, 300_000, len(data) - 300_000),
                                 [data[300_000:]])
    assert (status, headers["upload-offset"]) == (204, str(len(data)))
    with resumable.claim(api.world.member, key) as upload:
        assert upload.sha256 == hashlib.sha256(data).hexdigest()


def test_tus_errors_come_from_the_same_checks(api):
    key = _upload(api, 10)
    app = TusPatchStreaming(Django())
    path = f"/api/v1/uploads/{key}"
    assert run(app, path, tus_headers(api, 5, 5), [b"12345"])[0] == 409
    assert run(app, "/api/v1/uploads/unknown", tus_headers(api, 0, 5), [b"12345"])[0] == 404
    assert run(app, path, tus_headers(api, 0, 5, role="reader"), [b"12345"])[0] == 404
    wrong_type = {**tus_headers(api, 0, 5), "Content-Type": "text/plain"}
    assert run(app, path, wrong_type, [b"12345"])[0] == 415
    no_version = {k: v for k, v in tus_headers(api, 0, 5).items() if k != "Tus-Resumable"}
    assert run(app, path, no_version, [b"12345"])[0] == 412
    too_many = run(app, path, tus_headers(api, 0, 11), [b"x" * 11])
    assert too_many[0] == 413 and b"too_large" in too_many[2]
    assert resumable.get(api.world.member, key).offset == 0


def test_signed_out_wrong_tokens_and_missing_csrf_are_refused(api, client_for):
    key = _upload(api, 3)
    app = TusPatchStreaming(Django())
    path = f"/api/v1/uploads/{key}"
    anonymous = {k: v for k, v in tus_headers(api, 0, 3).items() if k != "Authorization"}
    assert run(app, path, anonymous, [b"abc"])[0] == 401
    assert run(app, path, {**anonymous, "Authorization": "Bearer atr_wrong"}, [b"abc"])[0] == 401
    assert run(app, path, tus_headers(api, 0, 3, role="deactivated"), [b"abc"])[0] == 401
    browser = client_for(api.world.member)
    browser.get("/")
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = browser.cookies["csrftoken"].value
    cookies = f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf}"
    without = run(app, path, {**anonymous, "Cookie": cookies}, [b"abc"])
    assert without[0] == 403 and b"csrf_failed" in without[2]
    assert resumable.get(api.world.member, key).offset == 0
    allowed = run(app, path, {**anonymous, "Cookie": cookies, "X-CSRFToken": csrf}, [b"abc"])
    assert (allowed[0], allowed[1]["upload-offset"]) == (204, "3")


def test_everything_else_goes_to_django(api):
    app = TusPatchStreaming(Django())
    for method, path in [("POST", "/api/v1/uploads/"), ("HEAD", "/api/v1/uploads/abc"),
                         ("PATCH", "/api/v1/me"), ("PATCH", "/api/v1/uploads/a/b"),
                         ("GET", "/api/v1/uploads/abc")]:
        assert run(app, path, {}, [b""], method=method)[0] == 299
    assert len(app.app.calls) == 5
    assert Client().get("/api/v1/uploads/abc").status_code in (401, 405)
