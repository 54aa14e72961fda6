"""The drive's pages: a folder (listing with breadcrumbs, sorting, "load more", upload) and
a file (preview, versions, share links). One address per node: `drive:file`."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from atrium.kernel import blobstore
from atrium.kernel.errors import ActionError
from atrium.modules.drive import actions, queries
from atrium.modules.drive.abilities import MODULE, drive_abilities, node_abilities
from atrium.modules.drive.models import Node
from atrium.modules.drive.views.common import (
    SMALL_UPLOAD,
    drive_view,
    from_script,
    js_strings,
    node_of,
    node_url,
    order_of,
    space_of,
)
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest

PAGE = 200
TEXT_PREVIEW_BYTES = 64 * 1024
THUMB_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
                         "application/pdf"})
SORTS = (("name", _("Name")), ("modified", _("Modified")), ("size", _("Size")))


def preview_kind(mime_type: str) -> str:
    """How the file page shows a file: image, pdf, text, audio, video, or none."""
    if mime_type in blobstore.IMAGE_TYPES:
        return "image"
    if mime_type == "application/pdf":
        return "pdf"
    if mime_type in ("audio/mpeg", "audio/ogg"):
        return "audio"
    if mime_type in ("video/mp4", "video/webm"):
        return "video"
    if mime_type.startswith("text/") or mime_type in ("application/json", "application/xml"):
        return "text"
    return ""


def text_preview(node: Node) -> tuple[str, bool]:
    """The start of a text file (shown escaped) and whether it was cut."""
    if node.current is None:
        return "", False
    with blobstore.open_blob(node.current.blob) as stream:
        head = stream.read(TEXT_PREVIEW_BYTES + 1)
    return head[:TEXT_PREVIEW_BYTES].decode("utf-8", "replace"), len(head) > TEXT_PREVIEW_BYTES


def sort_links(folder_url: str, order: str) -> list[dict[str, Any]]:
    """Column headers: each sorts by its key, a second click reverses."""
    links = []
    for key, label in SORTS:
        current = order.lstrip("-") == key
        descending = order.startswith("-")
        target = f"-{key}" if current and not descending else key
        links.append({"key": key, "label": label, "url": f"{folder_url}?order={target}",
                      "sort": ("descending" if descending else "ascending") if current else ""})
    return links


def rows_context(request: AuthedRequest, folder: Node, cursor: str | None) -> dict[str, Any]:
    order = order_of(request)
    page = queries.children(request.user, folder, order=order, cursor=cursor, limit=PAGE)
    rows = [{"node": item, "thumb": item.mime_type in THUMB_TYPES and item.size > 0}
            for item in page.items]
    url = node_url(folder)
    more = f"{url}?order={order}&cursor={page.next_cursor}" if page.next_cursor else ""
    return {"rows": rows, "more_url": more, "order": order, "folder": folder,
            "drive_can": page.drive, "slug": folder.space.slug}


def drive_data(request: AuthedRequest, folder: Node, can: dict[str, bool]) -> dict[str, Any]:
    """The JSON island the page's scripts start from (type application/json: never run)."""
    space = folder.space
    return {
        "space_id": space.pk, "folder_id": folder.pk, "can_upload": can["upload"],
        "upload_url": reverse("drive:upload", kwargs={"space_slug": space.slug,
                                                      "node_id": folder.pk}),
        "claim_url": reverse("drive:claim", kwargs={"space_slug": space.slug,
                                                    "node_id": folder.pk}),
        "rows_url": node_url(folder), "tus_url": "/api/v1/uploads/",
        # The hashed name, so a new release never runs against a cached old client.
        "tus_script": static("drive/tus.js"),
        "small": SMALL_UPLOAD, "chunk": SMALL_UPLOAD, "strings": js_strings(),
    }


def folder_page(request: AuthedRequest, folder: Node, *, status: int = 200) -> HttpResponse:
    user = request.user
    cursor = request.GET.get("cursor") or None
    try:
        rows = rows_context(request, folder, cursor)
    except ActionError:  # a stale or forged cursor: start again
        rows = rows_context(request, folder, None)
    if from_script(request):
        response = TemplateResponse(request, "drive/_rows.html", rows)
        response["X-Drive-More"] = rows["more_url"]
        return response
    can = node_abilities(folder, user, rows["drive_can"])
    context = space_context(request, folder.space, active=MODULE)
    context.update(rows)
    context.update({
        "crumbs": queries.breadcrumbs(user, folder), "can": can,
        "sorts": sort_links(node_url(folder), rows["order"]),
        "usage": queries.usage(folder.space), "data": drive_data(request, folder, can),
        "first_page": not cursor, "drive_section": "files",
        "links": queries.share_links(user, folder) if folder.parent_id else [],
        "new_link": request.session.pop(f"drive_link_{folder.pk}", None),
    })
    return TemplateResponse(request, "drive/folder.html", context, status=status)


def file_page(request: AuthedRequest, node: Node) -> HttpResponse:
    user = request.user
    drive = drive_abilities(user, node.space)
    can = node_abilities(node, user, drive)
    node = Node.objects.select_related("current__blob", "updated_by", "created_by").get(
        pk=node.pk)
    kind = preview_kind(node.mime_type)
    text, cut = text_preview(node) if kind == "text" else ("", False)
    context = space_context(request, node.space, active=MODULE)
    context.update({
        "node": node, "can": can, "drive_can": drive, "kind": kind,
        "text": text, "text_cut": cut, "crumbs": queries.breadcrumbs(user, node),
        "versions": queries.versions(user, node),
        "links": queries.share_links(user, node),
        "new_link": request.session.pop(f"drive_link_{node.pk}", None),
        "drive_section": "files",
    })
    return TemplateResponse(request, "drive/file.html", context)


@drive_view
def space_drive(request: AuthedRequest, space_slug: str) -> HttpResponse:
    """The root folder of the space's drive."""
    space = space_of(request.user, space_slug)
    root = actions.drive_root(space)
    root.space = space
    return folder_page(request, root)


@drive_view
def node(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    """A folder's listing or a file's page."""
    item = node_of(request.user, space_slug, node_id)
    if item.is_folder:
        return folder_page(request, item)
    return file_page(request, item)


@drive_view
def personal(request: AuthedRequest) -> HttpResponse:
    """/drive/: the person's own drive (the drive of their personal space)."""
    root = actions.personal_drive(request.user)
    root.space = space_of(request.user, root.space.slug)
    return folder_page(request, root)
