"""Folders and files: make, upload (a new version when the name exists), restore a version,
rename, move and copy. Copies reference the same blobs: no byte is ever copied."""

from __future__ import annotations

from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from atrium.kernel import blobstore, content
from atrium.kernel.errors import ActionError, Conflict
from atrium.kernel.models import Blob, Space
from atrium.modules.drive.actions.common import (
    QuotaExceeded,
    ancestors,
    check_room,
    emit_changed,
    emit_created,
    free_name,
    live_child,
    quota_message,
    record,
    refuse_clash,
    remaining_bytes,
    require,
    require_live_folder,
    require_user,
    subtree_ids,
)
from atrium.modules.drive.actions.text import has_text
from atrium.modules.drive.models import FileVersion, Node, NodeKind
from atrium.modules.drive.names import clean_name, name_key

MAX_COPY = 10_000


def _create_node(**fields: Any) -> Node:
    """A new live node; a concurrent writer taking the same name answers 409."""
    try:
        with transaction.atomic():
            return Node.objects.create(**fields)
    except IntegrityError:
        raise Conflict(_("“%(name)s” already exists in this folder.") % {"name": fields["name"]},
                       code="name_taken", field="name") from None


@transaction.atomic
def do_create_folder(actor: Any, parent: Node, name: str) -> Node:
    user = require_user(actor)
    require_live_folder(user, parent)
    name = clean_name(name)
    refuse_clash(parent, name)
    if len(ancestors(parent)) >= 63:
        raise ActionError(_("Folders cannot be nested this deep."), code="too_deep")
    folder = _create_node(space_id=parent.space_id, parent=parent, kind=NodeKind.FOLDER,
                          name=name, name_key=name_key(name), created_by=user, updated_by=user)
    record("drive.folder_created", user, folder, parent_id=parent.pk)
    emit_created(folder)
    return folder


def upload_limit() -> int:
    """The largest file the drive takes (resumable uploads make large ones practical)."""
    return int(getattr(settings, "ATRIUM_MAX_DRIVE_UPLOAD_BYTES",
                       settings.ATRIUM_MAX_UPLOAD_BYTES))


def _put_within(space: Space, fileobj: IO[bytes]) -> Blob:
    """The blob of `fileobj`, refused while streaming once it passes the drive's room."""
    limit = upload_limit()
    remaining = remaining_bytes(space, lock=True)
    if remaining is None:
        return blobstore.put(fileobj, max_bytes=limit)
    if remaining == 0:  # only an empty file still fits
        if fileobj.read(1):
            raise QuotaExceeded(quota_message(space, None))
        return blobstore.put(BytesIO(b""))
    try:
        return blobstore.put(fileobj, max_bytes=min(limit, remaining))
    except blobstore.UploadTooLarge:
        if remaining < limit:
            raise QuotaExceeded(quota_message(space, None)) from None
        raise


def _add_version(user: Any, node: Node, blob: Blob, *, name: str,
                 restored_from: FileVersion | None = None) -> FileVersion:
    last = node.versions.aggregate(n=Max("number"))["n"] or 0
    now = timezone.now()
    version = FileVersion.objects.create(node=node, number=last + 1, blob=blob, size=blob.size,
                                         mime_type=blob.mime_type[:100], name=name,
                                         uploaded_by=user, created_at=now,
                                         restored_from=restored_from)
    node.current = version
    node.size, node.mime_type = blob.size, blob.mime_type[:100]
    node.updated_at, node.updated_by = now, user
    node.save(update_fields=["current", "size", "mime_type", "updated_at", "updated_by"])
    return version


@transaction.atomic
def do_upload_file(actor: Any, parent: Node, name: str, fileobj: IO[bytes]) -> Node:
    """Store `fileobj` as `name` in `parent`: a new file, or a new version of the file of
    that name. The bytes stream through the blob store; the quota is checked on the real
    size and a refused upload stores nothing."""
    user = require_user(actor)
    require_live_folder(user, parent)
    name = clean_name(name)
    existing = live_child(parent, name)
    if existing is not None and existing.kind == NodeKind.FOLDER:
        raise Conflict(_("A folder named “%(name)s” already exists here.")
                       % {"name": existing.name}, code="name_taken", field="name")
    blob = _put_within(parent.space, fileobj)
    if existing is None:
        node = _create_node(space_id=parent.space_id, parent=parent, kind=NodeKind.FILE,
                            name=name, name_key=name_key(name), created_by=user,
                            updated_by=user)
        version = _add_version(user, node, blob, name=name)
        emit_created(node)
        content.publish(space=parent.space, module_id="drive", kind="file", object_id=node.pk,
                        author=user, verb=gettext_noop("added a file"), title=name,
                        url=f"/s/{parent.space.slug}/drive/n/{node.pk}/")
    else:
        node = existing
        version = _add_version(user, node, blob, name=name)
        emit_changed(node, "version")
    record("drive.file_uploaded", user, node, version=version.number, size=blob.size,
           sha256=blob.sha256)
    if has_text(blob.mime_type):
        from atrium.modules.drive.tasks import index_texts

        transaction.on_commit(index_texts.enqueue)
    return node


@transaction.atomic
def do_restore_version(actor: Any, version: FileVersion) -> FileVersion:
    """Make an earlier version current again, as a new version holding the same bytes."""
    user = require_user(actor)
    node = version.node
    require(user, node, "edit", _("You may not change this file."))
    check_room(node.space, version.size)
    blob = blobstore.attach(version.blob)
    restored = _add_version(user, node, blob, name=node.name, restored_from=version)
    record("drive.version_restored", user, node, version=version.number,
           new_version=restored.number)
    emit_changed(node, "version")
    return restored


@transaction.atomic
def do_rename(actor: Any, node: Node, name: str) -> Node:
    user = require_user(actor)
    require(user, node, "rename", _("You may not rename this item."))
    name = clean_name(name)
    assert node.parent is not None
    refuse_clash(node.parent, name, exclude=node.pk)
    old = node.name
    node.name, node.name_key = name, name_key(name)
    try:
        with transaction.atomic():
            node.save(update_fields=["name", "name_key"])
    except IntegrityError:
        raise Conflict(_("“%(name)s” already exists in this folder.") % {"name": name},
                       code="name_taken", field="name") from None
    record("drive.renamed", user, node, old_name=old)
    emit_changed(node, "renamed")
    return node


def _refuse_inside(node: Node, target: Node) -> None:
    if target.pk == node.pk or any(a.pk == node.pk for a in ancestors(target)):
        raise ActionError(_("A folder cannot be placed inside itself."), code="inside_itself",
                          field="parent")


@transaction.atomic
def do_move(actor: Any, node: Node, new_parent: Node) -> Node:
    """Move `node` (with everything inside) to `new_parent`, in this space or another where
    the person may write; a name taken there answers 409."""
    user = require_user(actor)
    require(user, node, "move", _("You may not move this item."))
    require_live_folder(user, new_parent)
    if new_parent.pk == node.parent_id:
        return node
    _refuse_inside(node, new_parent)
    refuse_clash(new_parent, node.name)
    old_space, old_parent = node.space_id, node.parent_id
    ids = subtree_ids(node)
    if new_parent.space_id != old_space:
        moving = (FileVersion.objects.filter(node_id__in=ids)
                  .aggregate(s=Sum("size"))["s"] or 0)
        check_room(new_parent.space, int(moving))
        Node.objects.filter(pk__in=ids).update(space_id=new_parent.space_id)
    node.parent, node.space = new_parent, new_parent.space
    node.save(update_fields=["parent"])
    record("drive.moved", user, node, from_parent=old_parent, to_parent=new_parent.pk,
           from_space=old_space)
    if old_space != node.space_id:
        emit_changed(node, "moved_away", space_id=old_space)
    emit_changed(node, "moved")
    return node


def _live_tree(node: Node) -> list[Node]:
    """The live nodes of the subtree, parents before children, at most MAX_COPY."""
    found = [node]
    level = [node.pk]
    while level:
        rows = list(Node.objects.filter(parent_id__in=level, trashed_at__isnull=True)
                    .select_related("current__blob").order_by("id"))
        found.extend(rows)
        if len(found) > MAX_COPY:
            raise ActionError(_("This folder holds too many items to copy at once (at most "
                                "%(count)s).") % {"count": MAX_COPY}, code="too_many")
        level = [row.pk for row in rows if row.kind == NodeKind.FOLDER]
    return found


@transaction.atomic
def do_copy(actor: Any, node: Node, new_parent: Node) -> Node:
    """Copy `node` (a folder with everything inside) into `new_parent`, possibly in another
    space: current versions only, sharing their blobs. A name taken gets " (2)"."""
    user = require_user(actor)
    require(user, node, "copy", _("You may not copy this item."))
    require_live_folder(user, new_parent)
    if node.kind == NodeKind.FOLDER:
        _refuse_inside(node, new_parent)
    tree = _live_tree(node)
    check_room(new_parent.space, sum(n.size for n in tree if n.kind == NodeKind.FILE))
    now = timezone.now()
    copies: dict[int, Node] = {}
    for source in tree:
        parent = new_parent if source.pk == node.pk else copies[source.parent_id or 0]
        name = free_name(parent, source.name) if source.pk == node.pk else source.name
        copy = _create_node(space_id=new_parent.space_id, parent=parent, kind=source.kind,
                            name=name, name_key=name_key(name), created_by=user,
                            updated_by=user, created_at=now, updated_at=now)
        copies[source.pk] = copy
        if source.kind == NodeKind.FILE and source.current is not None:
            blob = blobstore.attach(source.current.blob)
            _add_version(user, copy, blob, name=name)
    top = copies[node.pk]
    record("drive.copied", user, top, source_id=node.pk, source_space=node.space_id,
           items=len(tree))
    emit_created(top)
    return top
