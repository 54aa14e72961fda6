"""Uploads from the pages: a plain multipart form (works without script; many files at
once) and, for large files, the end of a resumable (tus) upload: the page's script sends
the bytes to /api/v1/uploads/ and then asks this view to turn them into a file.

A relative path ("photos/2024/a.jpg", from a folder chosen or dropped) recreates its
folders under the folder of the page; a file of the same name becomes a new version.
"""

from __future__ import annotations

from typing import IO, Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from atrium.kernel import resumable
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.modules.drive import actions, queries
from atrium.modules.drive.models import Node
from atrium.modules.drive.names import clean_name
from atrium.modules.drive.views.common import (
    drive_view,
    failed,
    from_script,
    node_of,
    node_url,
)
from atrium.web.types import AuthedRequest

MAX_PATH_DEPTH = 32


def split_path(raw: str, fallback: str) -> tuple[list[str], str]:
    """The folders and the file name of a relative path from the browser ("a/b/c.txt");
    empty parts and "." are dropped, ".." refused by `clean_name`."""
    parts = [part for part in (raw or "").replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts:
        return [], fallback
    if len(parts) > MAX_PATH_DEPTH:
        raise ActionError(_("This folder is nested too deep to upload."), code="too_deep")
    return parts[:-1], parts[-1]


def folder_for(user: Any, parent: Node, folders: list[str]) -> Node:
    """The folder at `folders` under `parent`, made where missing (a concurrent upload making
    the same folder is no error)."""
    current = parent
    for raw in folders:
        name = clean_name(raw)
        found = queries.by_path_key(current, name)
        if found is None:
            try:
                found = actions.do_create_folder(user, current, name)
            except Conflict:
                found = queries.by_path_key(current, name)
                if found is None:
                    raise
        if not found.is_folder:
            raise Conflict(_("A file named “%(name)s” is in the way of that folder.")
                           % {"name": found.name}, code="name_taken", field="name")
        current = found
    return current


def store(user: Any, parent: Node, path: str, name: str, fileobj: IO[bytes]) -> Node:
    folders, filename = split_path(path, name)
    return actions.do_upload_file(user, folder_for(user, parent, folders), filename, fileobj)


def _answer(request: AuthedRequest, node: Node) -> JsonResponse:
    return JsonResponse({"ok": True, "id": node.pk, "name": node.name,
                         "parent_id": node.parent_id, "url": node_url(node)})


@drive_view
@require_POST
def upload(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    """Files of a multipart form ("files", with optional "paths" in the same order)."""
    parent = node_of(request.user, space_slug, node_id)
    back = node_url(parent)
    files = request.FILES.getlist("files")
    paths = request.POST.getlist("paths")
    if not files:
        return failed(request, ActionError(_("Choose at least one file."), field="files"),
                      back)
    stored, errors = 0, []
    last: Node | None = None
    for index, uploaded in enumerate(files):
        path = paths[index] if index < len(paths) else ""
        try:
            last = store(request.user, parent, path, uploaded.name or "", uploaded)
            stored += 1
        except ActionError as error:
            if from_script(request) or isinstance(error, Forbidden):
                return failed(request, error, back)
            errors.append(f"{path or uploaded.name}: {error.message}")
    if from_script(request) and last is not None:
        return _answer(request, last)
    if stored:
        messages.success(request, ngettext("%(count)s file uploaded.",
                                           "%(count)s files uploaded.", stored)
                         % {"count": stored})
    for message in errors[:20]:
        messages.error(request, message)
    if request.POST.get("back") == "file" and last is not None:  # a new version, from its page
        return redirect(node_url(last))
    return redirect(back)


@drive_view
@require_POST
def claim(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    """A finished resumable upload ("upload" id) becomes a file at "path" in this folder."""
    parent = node_of(request.user, space_slug, node_id)
    upload_id = request.POST.get("upload", "")
    try:
        with resumable.claim(request.user, upload_id) as upload:
            node = store(request.user, parent, request.POST.get("path", ""), upload.name,
                         upload.file)
    except ActionError as error:
        return failed(request, error, node_url(parent))
    if from_script(request):
        return _answer(request, node)
    messages.success(request, _("“%(name)s” uploaded.") % {"name": node.name})
    return redirect(node_url(parent))
