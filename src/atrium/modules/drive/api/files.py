"""Files: upload (a small file in the request, or a finished resumable upload), download
(a folder as a ZIP), thumbnails and versions.

Uploading a name that exists in the folder makes a new version of that file. The type is
read from the content, never from the name; a file is served `inline` only when its type
is safe to show (images, PDF, plain text, audio, video), everything else as a download, and
always with `X-Content-Type-Options: nosniff` and a sandbox policy.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import errors
from atrium.kernel import resumable
from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.kernel.uploads import upload_limit, upload_refused
from atrium.modules.drive import actions, queries
from atrium.modules.drive.abilities import node_abilities
from atrium.modules.drive.api.access import live_node, node_detail, version_out
from atrium.modules.drive.api.schemas import (
    MAX_NAME_INPUT,
    FromUploadIn,
    NodeDetail,
    NodeId,
    ThumbSize,
    VersionId,
    VersionOut,
)
from atrium.modules.drive.api.streams import (
    FILE_ANSWERS,
    THUMB_ANSWERS,
    node_bytes,
    thumbnail_response,
)
from atrium.modules.drive.names import clean_name

router = Router(tags=["drive: files"])


@router.post("/drive/nodes/{node_id}/files",
             response={201: NodeDetail, **errors(400, 403, 404, 409, 413)},
             summary="Upload a file into a folder",
             description="`multipart/form-data` with the file in `file` and, optionally, its "
             "name in `name` (default: the file's own name, which browsers reduce to its last "
             "part). Up to `ATRIUM_MAX_UPLOAD_BYTES`; larger files go through a resumable "
             "upload (`/uploads/`, then `/files/from-upload`). The same name as a file of the "
             "folder makes a new version of it; 413 `quota_exceeded` when the drive is full.")
def upload_file(request: HttpRequest, node_id: NodeId,
                file: File[UploadedFile | None] = None,
                name: Form[str | None] = None) -> Status[Any]:
    user = viewer(request)
    folder, _drive = live_node(user, node_id)
    if upload_refused(request):
        raise UploadTooLarge(_("The file is too large to send this way (at most %(limit)s MB): "
                               "use a resumable upload.")
                             % {"limit": upload_limit() // (1024 * 1024)},
                             code="too_large", field="file")
    if file is None:
        raise ActionError(_("Choose a file to upload."), code="required", field="file")
    if name is not None and len(name) > MAX_NAME_INPUT:
        raise ActionError(_("The name is too long."), code="bad_name", field="name")
    node = actions.do_upload_file(user, folder, name if name is not None else (file.name or ""),
                                  file)
    return Status(201, node_detail(user, node))


@router.post("/drive/nodes/{node_id}/files/from-upload",
             response={201: NodeDetail, **errors(400, 403, 404, 409, 413)},
             summary="Make a file from a finished resumable upload",
             description="After a tus upload (`POST /uploads/` then `PATCH`) is complete, this "
             "stores it in the folder (a new version if the name exists) without copying its "
             "bytes again. The upload is used up; 409 `upload_incomplete` while bytes are "
             "missing. Rights, name and quota are checked before the upload is taken.")
def upload_from_tus(request: HttpRequest, node_id: NodeId, payload: FromUploadIn) -> Status[Any]:
    user = viewer(request)
    folder, drive = live_node(user, node_id)
    if not node_abilities(folder, user, drive)["upload"]:
        raise Forbidden(_("You may not add files to this folder."))
    session = resumable.get(user, payload.upload_id)
    if session.offset != session.length:
        raise Conflict(_("This upload is not finished yet."), code="upload_incomplete")
    name = clean_name(payload.name if payload.name is not None else session.filename)
    remaining = queries.usage(folder.space).remaining
    if remaining is not None and session.length > remaining:
        raise actions.QuotaExceeded(
            _("Not enough room in this drive for this file: %(left)s bytes left.")
            % {"left": remaining})
    with resumable.claim(user, payload.upload_id) as upload:
        node = actions.do_upload_file(user, folder, name, upload.file)
    return Status(201, node_detail(user, node))


@router.get("/drive/nodes/{node_id}/download", response=errors(400, 404),
            openapi_extra=FILE_ANSWERS, summary="Download a file, or a folder as a ZIP",
            description="A file: its current version, with `Range` (206), `ETag` and "
            "`If-None-Match` (304). `inline=true` shows it in the browser when its type is "
            "safe (images, PDF, plain text, audio, video); anything else is an attachment. "
            "A folder: a ZIP of what it holds, streamed as it is made.")
def download(request: HttpRequest, node_id: NodeId, inline: bool = False) -> Any:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    node = queries.access_node(user, node.pk, "download")
    return node_bytes(request, node, inline=inline)


@router.get("/drive/nodes/{node_id}/thumbnail", response=errors(404),
            openapi_extra=THUMB_ANSWERS, summary="A file's thumbnail",
            description="A WebP fitting a `size` square, for images and the first page of "
            "PDFs; 404 `no_preview` for other files (never for SVG or HTML).")
def thumbnail(request: HttpRequest, node_id: NodeId, size: ThumbSize = 256) -> HttpResponse:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    return thumbnail_response(node, size)


@router.get("/drive/nodes/{node_id}/versions", response={200: list[VersionOut], **errors(404)},
            summary="A file's versions", description="Newest first, with who uploaded each.")
def list_versions(request: HttpRequest, node_id: NodeId) -> list[dict[str, Any]]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    return [version_out(v, node.current_id) for v in queries.versions(user, node)]


@router.get("/drive/versions/{version_id}/download", response=errors(404),
            openapi_extra=FILE_ANSWERS, summary="Download a version of a file",
            description="As the file's download, with the name the version was uploaded "
            "under.")
def download_version(request: HttpRequest, version_id: VersionId, inline: bool = False) -> Any:
    from atrium.kernel import downloads

    version = queries.access_version(viewer(request), version_id)
    return downloads.blob_response(request, version.blob, version.name, inline=inline)


@router.post("/drive/versions/{version_id}/restore",
             response={201: VersionOut, **errors(403, 404, 413)},
             summary="Restore an earlier version",
             description="Makes a new current version holding the same bytes (nothing is "
             "copied; the quota counts it).")
def restore_version(request: HttpRequest, version_id: VersionId) -> Status[Any]:
    user = viewer(request)
    version = queries.access_version(user, version_id)
    restored = actions.do_restore_version(user, version)
    return Status(201, version_out(restored, restored.pk))
