"""Bytes of the drive: a file (download or inline view), an earlier version, a thumbnail and
a folder as a streamed ZIP. Shared by the signed-in pages and the public share-link pages.

Every answer comes from `downloads.blob_response` (Range, ETag, sandbox policy, nosniff):
nothing a person uploads ever runs as a page of this site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from atrium.kernel import downloads, previews
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Blob
from atrium.modules.drive import queries
from atrium.modules.drive.models import FileVersion, Node, NodeKind
from atrium.modules.drive.views.common import drive_view, int_or_none, node_of
from atrium.web.types import AuthedRequest

MAX_ZIP_ITEMS = 50_000
THUMB_SIZES = (64, 256, 1024)


def serve_node(request: HttpRequest, node: Node, *, inline: bool) -> HttpResponseBase:
    """The current bytes of a file. Inline answers may be framed by this site's own pages
    (the PDF preview); the sandbox policy still keeps any script from running."""
    version = node.current
    if node.kind != NodeKind.FILE or version is None:
        raise NotFound("file")
    blob = Blob.objects.get(pk=version.blob_id)
    response = downloads.blob_response(request, blob, node.name, inline=inline)
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] += "; frame-ancestors 'self'"
    return response


def serve_thumbnail(request: HttpRequest, node: Node) -> HttpResponse:
    version = node.current
    size = int_or_none(request.GET.get("s")) or 64
    if node.kind != NodeKind.FILE or version is None or size not in THUMB_SIZES:
        raise NotFound("thumbnail")
    data = previews.thumbnail(Blob.objects.get(pk=version.blob_id), size)
    if not data:
        raise NotFound("thumbnail")
    response = HttpResponse(data, content_type="image/webp")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = downloads.POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def zip_entries(folder: Node) -> list[tuple[str, Blob | None, datetime]]:
    """The live items under `folder` with their paths (folders before what they hold)."""
    entries: list[tuple[str, Blob | None, datetime]] = []
    paths = {folder.pk: ""}
    level = [folder.pk]
    while level:
        rows = list(Node.objects.filter(parent_id__in=level, trashed_at__isnull=True)
                    .select_related("current__blob").order_by("id"))
        if len(entries) + len(rows) > MAX_ZIP_ITEMS:
            raise ActionError(_("This folder holds too many items for one ZIP (at most "
                                "%(count)s); download its folders one by one.")
                              % {"count": MAX_ZIP_ITEMS}, code="too_many")
        level = []
        for row in rows:
            path = f"{paths[row.parent_id or 0]}{row.name}"
            if row.kind == NodeKind.FOLDER:
                paths[row.pk] = f"{path}/"
                level.append(row.pk)
                entries.append((path, None, row.updated_at))
            elif row.current is not None:
                entries.append((path, row.current.blob, row.updated_at))
    return entries


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    step = sync_to_async(lambda: next(chunks, b""), thread_sensitive=False)
    while True:
        chunk = await step()
        if not chunk:
            return
        yield chunk


def serve_zip(request: HttpRequest, folder: Node) -> HttpResponseBase:
    """The folder as a ZIP, streamed (asynchronously under ASGI: Django would otherwise
    gather a sync iterator whole before sending its first byte)."""
    if folder.kind != NodeKind.FOLDER:
        raise NotFound("folder")
    from atrium.kernel.zipstream import stream_zip_of

    chunks = stream_zip_of(zip_entries(folder))
    body = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(body, content_type="application/zip")
    name = f"{folder.name or folder.space.name or 'drive'}.zip"
    response["Content-Disposition"] = downloads.content_disposition(name, inline=False)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@drive_view
def download(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponseBase:
    return serve_node(request, node_of(request.user, space_slug, node_id, "download"),
                      inline=False)


@drive_view
def view(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponseBase:
    """The file inline, for the previews of its page (only types safe inline)."""
    return serve_node(request, node_of(request.user, space_slug, node_id, "download"),
                      inline=True)


@drive_view
def thumbnail(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    return serve_thumbnail(request, node_of(request.user, space_slug, node_id, "download"))


@drive_view
def folder_zip(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponseBase:
    folder = node_of(request.user, space_slug, node_id, "download")
    try:
        return serve_zip(request, folder)
    except ActionError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain")


@drive_view
def version_download(request: AuthedRequest, space_slug: str,
                     version_id: int) -> HttpResponseBase:
    version: FileVersion = queries.access_version(request.user, version_id)
    node_of(request.user, space_slug, version.node_id, "versions")
    return downloads.blob_response(request, version.blob, version.name, inline=False)
