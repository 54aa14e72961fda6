"""`downloads.blob_response`: streamed bodies, Range, ETag, safe headers, under WSGI and ASGI."""

from __future__ import annotations

import asyncio
import os
from io import BytesIO

import pytest
from django.core.handlers.asgi import ASGIRequest
from django.test import RequestFactory
from PIL import Image

from atrium.kernel import blobstore
from atrium.kernel.downloads import CHUNK, blob_response, content_disposition
from tests.kernel.storage.conftest import use_blobs

pytestmark = pytest.mark.django_db

DATA = os.urandom(3 * CHUNK + 1234)


@pytest.fixture
def blob(data_dir):
    with use_blobs({"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(data_dir / "blobs")}}):
        yield blobstore.put_bytes(DATA)


def get(blob, method="get", *, inline=False, name="film.mp4", **headers):
    request = getattr(RequestFactory(), method)("/f", headers=headers)
    return blob_response(request, blob, name, inline=inline)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_file_streams_with_safe_headers(blob):
    response = get(blob)
    assert response.status_code == 200
    assert response.streaming
    assert body(response) == DATA
    assert response["Content-Length"] == str(len(DATA))
    assert response["ETag"] == f'"{blob.sha256}"'
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-9", 0, 9),
    ("bytes=100-", 100, len(DATA) - 1),
    ("bytes=-500", len(DATA) - 500, len(DATA) - 1),
    ("bytes=10-99999999", 10, len(DATA) - 1),
    ("bytes=-99999999", 0, len(DATA) - 1),
    (f"bytes={CHUNK - 5}-{2 * CHUNK + 5}", CHUNK - 5, 2 * CHUNK + 5),
])
def test_a_single_range_answers_206_with_those_bytes(blob, header, first, last):
    response = get(blob, Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == DATA[first:last + 1]


@pytest.mark.parametrize("header", [f"bytes={len(DATA)}-", f"bytes={len(DATA) + 5}-9999999",
                                    "bytes=-0"])
def test_an_unsatisfiable_range_answers_416(blob, header):
    response = get(blob, Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-4", "bytes=9-3", "bytes=x-"])
def test_several_or_malformed_ranges_get_the_whole_file(blob, header):
    response = get(blob, Range=header)
    assert response.status_code == 200
    assert body(response) == DATA


def test_if_range_with_another_etag_gets_the_whole_file(blob):
    assert get(blob, Range="bytes=0-9", If_Range='"other"').status_code == 200
    same = get(blob, Range="bytes=0-9", If_Range=f'"{blob.sha256}"')
    assert (same.status_code, body(same)) == (206, DATA[:10])


@pytest.mark.parametrize("header", ['"{sha}"', 'W/"{sha}"', '"x", "{sha}"', "*"])
def test_if_none_match_answers_304(blob, header):
    response = get(blob, If_None_Match=header.format(sha=blob.sha256))
    assert response.status_code == 304
    assert response["ETag"] == f'"{blob.sha256}"'
    assert not response.content


def test_head_has_the_headers_and_no_body(blob):
    response = get(blob, "head", Range="bytes=5-14")
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert response.content == b""


@pytest.mark.parametrize(("content", "mime", "inline_shown"), [
    (None, "image/png", True),
    (b"%PDF-1.4\n%...", "application/pdf", True),
    (b"plain text", "text/plain", True),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "image/svg+xml", False),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html", False),
])
def test_only_safe_types_are_inline(data_dir, content, mime, inline_shown):
    with use_blobs({"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(data_dir / "blobs")}}):
        if content is None:
            picture = BytesIO()
            Image.new("RGB", (4, 4), "teal").save(picture, "PNG")
            content = picture.getvalue()
        blob = blobstore.put_bytes(content)
        assert blob.mime_type == mime
        response = get(blob, inline=True, name="f")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;" if inline_shown else "attachment;")
    if inline_shown:
        assert response["Content-Type"].split(";")[0] == mime
    else:
        assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


def test_content_disposition_has_an_ascii_fallback_and_the_exact_name():
    header = content_disposition('Résumé "final"\\été.pdf', inline=False)
    assert header == ("attachment; filename=\"R_sum_ _final___t_.pdf\"; "
                      "filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%5C%C3%A9t%C3%A9.pdf")
    assert "\n" not in content_disposition("a\r\nSet-Cookie: x=1", inline=True)


def test_under_asgi_the_body_is_an_async_stream_of_bounded_chunks(blob):
    """Django would read a sync iterator whole before sending under ASGI: not here."""
    scope = {"type": "http", "method": "GET", "path": "/f", "query_string": b"",
             "headers": [(b"range", f"bytes=10-{3 * CHUNK}".encode())]}
    request = ASGIRequest(scope, BytesIO())
    response = blob_response(request, blob, "film.mp4", inline=False)
    assert response.is_async

    async def consume() -> list[bytes]:
        return [chunk async for chunk in response.streaming_content]

    chunks = asyncio.run(consume())
    assert len(chunks) > 1 and max(map(len, chunks)) <= CHUNK
    assert b"".join(chunks) == DATA[10:3 * CHUNK + 1]
