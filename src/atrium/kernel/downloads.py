"""Serving a blob over HTTP: streamed, resumable (Range), cacheable (ETag), never run as a page.

`blob_response(request, blob, filename, inline=...)` answers GET and HEAD with

- 200 and the whole file, or 206 and one range (`Range: bytes=a-b`, `a-`, `-n`); a request
  for several ranges gets the whole file (allowed by RFC 9110), 416 when the range starts
  past the end; `If-Range` with another ETag (or a date) also gets the whole file;
- `ETag: "<sha256>"` (the bytes never change under a name) and 304 for `If-None-Match`;
- `Content-Disposition` per RFC 6266: an ASCII `filename` fallback and the exact UTF-8 name
  in `filename*`; `inline` only for `blobstore.SAFE_INLINE` types, otherwise `attachment`
  with `application/octet-stream`;
- always `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`, so even
  an HTML or SVG file opened directly cannot run script against this origin.

Under ASGI the body is an async iterator that reads each chunk in a worker thread: Django
would otherwise consume a sync iterator whole (`list()`) before sending the first byte.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import IO
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from atrium.kernel import blobstore
from atrium.kernel.models import Blob

CHUNK = 512 * 1024
RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
POLICY = ("default-src 'none'; img-src 'self' data:; media-src 'self'; "
          "style-src 'unsafe-inline'; sandbox")


def content_disposition(filename: str, *, inline: bool) -> str:
    """RFC 6266: a safe ASCII fallback, then the real name in RFC 8187 encoding."""
    kind = "inline" if inline else "attachment"
    cleaned = "".join(c if " " <= c < "\x7f" and c not in '"\\%' else "_" for c in filename)
    fallback = cleaned.strip() or "download"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return etag in candidates


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) byte of a single satisfiable range; None to ignore the header (bad
    syntax, several ranges); False when it cannot be satisfied (416)."""
    match = RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        count = int(last)
        if count == 0:
            return False
        return max(0, size - count), size - 1
    start = int(first)
    end = int(last) if last else max(start, size - 1)
    if end < start:
        return None
    if start >= size:
        return False
    return start, min(end, size - 1)


def _sync_chunks(stream: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        stream.seek(start)
        while length > 0:
            chunk = stream.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        stream.close()


async def _async_chunks(stream: IO[bytes], start: int, length: int) -> AsyncIterator[bytes]:
    # Reads run in the thread pool, not the thread that serialises sync views.
    read = sync_to_async(stream.read, thread_sensitive=False)
    try:
        await sync_to_async(stream.seek, thread_sensitive=False)(start)
        while length > 0:
            chunk = await read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        await sync_to_async(stream.close, thread_sensitive=False)()


def _headers(response: HttpResponse | StreamingHttpResponse, etag: str) -> None:
    response["ETag"] = etag
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"


def blob_response(request: HttpRequest, blob: Blob, filename: str, *,
                  inline: bool) -> HttpResponse | StreamingHttpResponse:
    """The bytes of `blob` for GET or HEAD (the caller has checked the right to read them)."""
    etag = f'"{blob.sha256}"'
    size = blob.size
    if _etag_matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponse(status=304)
        _headers(not_modified, etag)
        return not_modified
    wanted: tuple[int, int] | bool | None = None
    range_header = request.headers.get("Range")
    if range_header and size:
        if_range = request.headers.get("If-Range")
        if if_range is None or if_range.strip() == etag:
            wanted = parse_range(range_header, size)
    elif range_header and parse_range(range_header, 1) is not None:
        wanted = False  # any satisfiable-looking range of an empty file
    if wanted is False:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        _headers(refused, etag)
        return refused

    shown_inline = inline and blob.mime_type in blobstore.SAFE_INLINE
    content_type = blob.mime_type if shown_inline else "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    first, last = wanted if isinstance(wanted, tuple) else (0, size - 1)
    length = max(0, last - first + 1)
    if request.method == "HEAD":
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            status=206 if wanted else 200, content_type=content_type)
    else:
        stream = blobstore.open_blob(blob)
        body = (_async_chunks(stream, first, length) if isinstance(request, ASGIRequest)
                else _sync_chunks(stream, first, length))
        response = StreamingHttpResponse(body, status=206 if wanted else 200,
                                         content_type=content_type)
    response["Content-Length"] = str(length)
    if wanted:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Disposition"] = content_disposition(filename, inline=shown_inline)
    _headers(response, etag)
    return response
