"""Every WebDAV write goes through the drive's actions (rights, quotas, audit, events).

PUT streams the request body to a temporary file on disk while hashing it (never the whole
body in memory), refusing it as soon as it passes the drive's room (507) or the upload limit
(413); the hashed file is then handed to `do_upload_file`, which links it into a local blob
store without a second copy. A body cut short (the client went away, or fewer bytes than
its Content-Length) stores nothing. DELETE puts the item in the trash. MOVE and COPY follow
RFC 4918: with `Overwrite: T` an existing destination is put in the trash first; all the
steps of one MOVE or COPY happen in one transaction.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from wsgidav import util
from wsgidav.dav_error import HTTP_BAD_REQUEST, HTTP_FORBIDDEN, DAVError

from atrium.kernel.blobstore import HashedFile
from atrium.modules.drive import queries
from atrium.modules.drive.actions import (
    do_copy,
    do_create_folder,
    do_move,
    do_rename,
    do_trash,
    do_upload_file,
)
from atrium.modules.drive.actions.common import quota_message
from atrium.modules.drive.actions.files import upload_limit
from atrium.modules.drive.dav.errors import HTTP_INSUFFICIENT_STORAGE, HTTP_PAYLOAD_TOO_LARGE
from atrium.modules.drive.models import Node, NodeKind
from atrium.modules.drive.names import clean_name

if TYPE_CHECKING:
    from atrium.modules.drive.dav.resources import Drive, FolderResource

SPOOL = "atrium.dav.spool"
CREATED = "atrium.dav.created"
DISCONNECTED = "atrium.disconnected"


class Spool:
    """Where a PUT body goes while it arrives: a temporary file, hashed as it is written."""

    def __init__(self, environ: dict[str, Any], drive: Drive) -> None:
        self.limit = upload_limit()
        remaining = drive.usage().remaining
        self.room = remaining
        self.space = drive.space
        expected = util.get_content_length(environ) if environ.get("CONTENT_LENGTH") else None
        self.expected = expected
        if expected is not None:
            self._check(expected)
        folder = settings.DATA_DIR / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        self.file = tempfile.NamedTemporaryFile(dir=folder, delete=False,  # noqa: SIM115
                                                prefix="dav-")
        self.digest = hashlib.sha256()
        self.size = 0
        environ[SPOOL] = self

    def _check(self, size: int) -> None:
        if self.room is not None and size > self.room:
            raise DAVError(HTTP_INSUFFICIENT_STORAGE, quota_message(self.space, size))
        if size > self.limit:
            raise DAVError(HTTP_PAYLOAD_TOO_LARGE, "The file is too large.")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        try:
            self._check(self.size)
        except DAVError:
            self.discard()
            raise
        self.digest.update(chunk)
        self.file.write(chunk)

    def close(self) -> None:
        self.file.close()

    def discard(self) -> None:
        self.file.close()
        if os.path.exists(self.file.name):
            os.unlink(self.file.name)


def finish(folder: FolderResource, name: str, with_errors: bool) -> Node | None:
    """Store a finished PUT body as `name` in `folder` (a new file or a new version); after
    an error (already being answered) only throw the bytes away."""
    environ = folder.environ
    spool: Spool | None = environ.pop(SPOOL, None)
    if spool is None:
        return None
    try:
        if with_errors:
            return None
        complete = spool.expected is None or spool.size == spool.expected
        scope = environ.get("asgi.scope") or {}
        if not complete or scope.get(DISCONNECTED):
            raise DAVError(HTTP_BAD_REQUEST, "The upload was not received whole.")
        with HashedFile(spool.file.name, spool.digest.hexdigest(), spool.size) as hashed:
            node = do_upload_file(environ["atrium.user"], folder.node, name, hashed)
    finally:
        spool.discard()
        _forget(environ)
    return node


def _forget(environ: dict[str, Any]) -> None:
    from atrium.modules.drive.dav.resources import forget

    forget(environ)


def make_folder(parent: FolderResource, name: str) -> Node:
    folder = do_create_folder(parent.environ["atrium.user"], parent.node, name)
    _forget(parent.environ)
    return folder


def trash(resource: Any) -> None:
    do_trash(resource.environ["atrium.user"], resource.node)
    _forget(resource.environ)


def _destination(resource: Any, dest_path: str) -> tuple[FolderResource, str, Node | None]:
    """The folder and cleaned name a MOVE or COPY goes to, and what is there now."""
    from atrium.modules.drive.dav.resources import FolderResource

    provider, environ = resource.provider, resource.environ
    parent = provider.get_resource_inst(util.get_uri_parent(dest_path), environ)
    if not isinstance(parent, FolderResource):
        raise DAVError(HTTP_FORBIDDEN, "Items can only be placed inside a drive.")
    name = clean_name(util.get_uri_name(dest_path.rstrip("/")))
    existing = queries.by_path_key(parent.node, name)
    if existing is None:
        environ[CREATED] = True
    return parent, name, existing


@transaction.atomic
def move(resource: Any, dest_path: str) -> None:
    user, node = resource.environ["atrium.user"], resource.node
    parent, name, existing = _destination(resource, dest_path)
    if existing is not None and existing.pk != node.pk:
        do_trash(user, existing)
    if parent.node.pk != node.parent_id:
        clash = queries.by_path_key(parent.node, node.name)
        if clash is not None and node.name != name:
            do_rename(user, node, name)  # its old name is taken there, its new one is not
        do_move(user, node, parent.node)
    if node.name != name:
        do_rename(user, node, name)
    _forget(resource.environ)


@transaction.atomic
def copy(resource: Any, dest_path: str, *, depth_infinity: bool) -> None:
    user, node = resource.environ["atrium.user"], resource.node
    parent, name, existing = _destination(resource, dest_path)
    if existing is not None:
        if existing.pk == node.pk:
            raise DAVError(HTTP_FORBIDDEN, "An item cannot be copied onto itself.")
        do_trash(user, existing)
    if node.kind == NodeKind.FOLDER and not depth_infinity:
        queries.access_node(user, node.pk, "copy")
        do_create_folder(user, parent.node, name)
    else:
        made = do_copy(user, node, parent.node)
        if made.name != name:
            do_rename(user, made, name)
    _forget(resource.environ)
