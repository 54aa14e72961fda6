"""Bytes out of the drive: a file (or version) by `downloads.blob_response`, a folder as a
ZIP streamed while it is made (`zipstream.stream_zip_of`), and thumbnails.

The folder's tree is read from the database first (a query per level, bounded), then the
archive is made as the client reads it: under ASGI the body is an async iterator whose every
step runs in a worker thread, because Django 5.2 would otherwise read a sync iterator whole
before sending the first byte. Only blob storage is read while streaming, never the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from atrium.kernel import downloads, previews
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.zipstream import Entry, stream_zip_of
from atrium.modules.drive.models import Node, NodeKind

MAX_ZIP_ITEMS = 10_000
BINARY = {"content": {"application/octet-stream": {"schema": {"type": "string",
                                                              "format": "binary"}}}}
# OpenAPI answers of the byte-serving operations (the JSON errors are added by `errors()`).
FILE_ANSWERS: dict[str, Any] = {"responses": {
    200: {"description": "The bytes (a folder: a ZIP). `inline` only for safe types.",
          **BINARY},
    206: {"description": "The range asked with `Range: bytes=a-b`.", **BINARY},
    304: {"description": "Not modified (`If-None-Match` with the ETag)."},
    416: {"description": "The range starts past the end."},
}}
THUMB_ANSWERS: dict[str, Any] = {"responses": {200: {
    "description": "A WebP image.",
    "content": {"image/webp": {"schema": {"type": "string", "format": "binary"}}}}}}


def folder_entries(folder: Node) -> list[Entry]:
    """(path, blob or None, time) of the folder and its live contents, parents first."""
    top = folder.name or folder.space.name or "drive"
    entries: list[Entry] = [(top, None, folder.updated_at)]
    paths = {folder.pk: top}
    level = [folder.pk]
    while level:
        rows = list(Node.objects.filter(parent_id__in=level, trashed_at__isnull=True)
                    .select_related("current__blob").order_by("kind", "name_key", "id"))
        if len(entries) + len(rows) > MAX_ZIP_ITEMS:
            raise ActionError(_("This folder holds too many items to download at once (at "
                                "most %(count)s).") % {"count": MAX_ZIP_ITEMS},
                              code="too_many")
        for row in rows:
            path = f"{paths[row.parent_id or 0]}/{row.name}"
            if row.kind == NodeKind.FOLDER:
                paths[row.pk] = path
                entries.append((path, None, row.updated_at))
            elif row.current is not None:
                entries.append((path, row.current.blob, row.updated_at))
        level = [row.pk for row in rows if row.kind == NodeKind.FOLDER]
    return entries


def _next(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def _async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    step = sync_to_async(_next, thread_sensitive=False)
    while (chunk := await step(chunks)) is not None:
        yield chunk


def zip_response(request: HttpRequest, folder: Node) -> StreamingHttpResponse:
    entries = folder_entries(folder)
    chunks = stream_zip_of(entries)
    body = _async(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = downloads.content_disposition(
        f"{entries[0][0]}.zip", inline=False)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = downloads.POLICY
    return response


def node_bytes(request: HttpRequest, node: Node, *, inline: bool) -> Any:
    """A file's current bytes, or a folder as a ZIP."""
    if node.kind == NodeKind.FOLDER:
        return zip_response(request, node)
    version = node.current
    if version is None:
        raise NotFound("file")
    return downloads.blob_response(request, version.blob, node.name, inline=inline)


def thumbnail_response(node: Node, wanted: int) -> HttpResponse:
    size = next(s for s in previews.SIZES if s >= wanted)
    version = node.current
    data = previews.thumbnail(version.blob, size) if version is not None else None
    if data is None or version is None:
        missing = ActionError(_("This file has no preview."), code="no_preview")
        missing.status = 404
        raise missing
    response = HttpResponse(data, content_type="image/webp")
    response["Cache-Control"] = "private, max-age=86400"
    response["ETag"] = f'"{version.blob.sha256}-{size}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = downloads.POLICY
    return response
