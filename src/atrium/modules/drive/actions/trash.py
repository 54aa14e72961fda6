"""The trash: items go there with everything inside, come back to their folder (or the
drive's root when that folder is gone), and leave for good after ATRIUM_DRIVE_TRASH_DAYS.
Deleting for good releases the blobs of every version; the blob store purges bytes nobody
references any more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import audit, blobstore, content, events
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import Blob, Space
from atrium.modules.drive.abilities import drive_abilities
from atrium.modules.drive.actions.common import (
    drive_root,
    emit_changed,
    free_name,
    record,
    require,
    require_user,
    subtree_ids,
)
from atrium.modules.drive.events import NodeDeleted
from atrium.modules.drive.models import FileVersion, Node
from atrium.modules.drive.names import name_key


@transaction.atomic
def do_trash(actor: Any, node: Node) -> Node:
    """Put `node` in the trash, with the live items inside it."""
    user = require_user(actor)
    require(user, node, "trash", _("You may not put this item in the trash."))
    now = timezone.now()
    ids = subtree_ids(node)
    Node.objects.filter(pk__in=ids, trashed_at__isnull=True).update(
        trashed_at=now, trashed_by=user, trashed_with=node)
    node.refresh_from_db()
    content.withdraw_many("drive", "file", ids)  # out of the feed while in the trash
    record("drive.trashed", user, node, items=len(ids))
    emit_changed(node, "trashed")
    return node


@transaction.atomic
def do_restore(actor: Any, node: Node) -> Node:
    """Bring back a trashed item (and what went to the trash with it) to its folder, or to
    the drive's root if that folder is in the trash too; a name now taken gets " (2)"."""
    user = require_user(actor)
    require(user, node, "restore", _("You may not restore this item."))
    parent = node.parent
    assert parent is not None
    if parent.trashed_at is not None:
        parent = drive_root(node.space)
    name = free_name(parent, node.name)
    node.parent, node.name, node.name_key = parent, name, name_key(name)
    node.trashed_at = node.trashed_by = node.trashed_with = None
    node.save(update_fields=["parent", "name", "name_key", "trashed_at", "trashed_by",
                             "trashed_with"])
    Node.objects.filter(trashed_with=node).exclude(pk=node.pk).update(
        trashed_at=None, trashed_by=None, trashed_with=None)
    record("drive.restored", user, node, parent_id=parent.pk)
    emit_changed(node, "restored")
    return node


def _delete_tree(node: Node) -> int:
    """Delete `node` and everything below it; release one reference per version."""
    ids = subtree_ids(node)
    blob_ids = list(FileVersion.objects.filter(node_id__in=ids).values_list("blob_id", flat=True))
    Node.objects.filter(pk__in=ids).update(current=None)
    FileVersion.objects.filter(node_id__in=ids).delete()
    # Deepest first, so no cascade has to walk the tree again.
    ordered = ids[::-1]
    for start in range(0, len(ordered), 500):
        Node.objects.filter(pk__in=ordered[start:start + 500]).delete()
    blobs = {blob.pk: blob for blob in Blob.objects.filter(pk__in=set(blob_ids))}
    for blob_id in blob_ids:
        blobstore.release(blobs[blob_id])
    return len(ids)


def _emit_deleted(node: Node, count: int) -> None:
    events.emit(NodeDeleted(space_id=node.space_id, node_id=node.pk, count=count),
                "space", node.space_id)


@transaction.atomic
def do_delete_forever(actor: Any, node: Node) -> int:
    """Delete an item of the trash for good (with everything inside); the number deleted."""
    user = require_user(actor)
    if node.trashed_at is None:
        require(user, node, "view", "")
        raise ActionError(_("Only items in the trash can be deleted for good."),
                          code="not_in_trash")
    require(user, node, "delete_forever", _("You may not delete this item for good."))
    node_id, label = node.pk, node.name
    count = _delete_tree(node)
    audit.record("drive.deleted_forever", actor=user, target_label=label[:254],
                 node_id=node_id, space_id=node.space_id, items=count)
    node.pk = node_id
    _emit_deleted(node, count)
    return count


def _trash_roots(space: Space) -> list[Node]:
    return list(Node.objects.filter(space=space, trashed_at__isnull=False)
                .filter(trashed_with_id=F("pk")))


@transaction.atomic
def do_empty_trash(actor: Any, space: Space) -> int:
    """Delete everything in the space's trash for good (its admins only)."""
    user = require_user(actor)
    can = drive_abilities(user, space)
    if not can["empty_trash"]:
        if not can["view"]:
            raise NotFound("drive")
        raise Forbidden(_("Only the space's administrators may empty its trash."))
    count = 0
    for node in _trash_roots(space):
        node_id = node.pk
        deleted = _delete_tree(node)
        node.pk = node_id
        _emit_deleted(node, deleted)
        count += deleted
    audit.record("drive.trash_emptied", actor=user, target=space, items=count)
    return count


def purge_expired_trash(days: int | None = None) -> int:
    """Delete for good what has been in any trash longer than ATRIUM_DRIVE_TRASH_DAYS
    (housekeeping); each item in its own transaction. The number of nodes deleted."""
    keep = settings.ATRIUM_DRIVE_TRASH_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=keep)
    ids = list(Node.objects.filter(trashed_at__lt=cutoff, trashed_with_id=F("pk"))
               .values_list("pk", flat=True)[:1000])
    purged = 0
    for pk in ids:
        with transaction.atomic():
            node = (Node.objects.select_for_update().filter(pk=pk, trashed_at__lt=cutoff,
                                                            trashed_with_id=pk).first())
            if node is None:
                continue  # restored meanwhile
            deleted = _delete_tree(node)
            node.pk = pk
            audit.record("drive.trash_purged", target_label=node.name[:254], node_id=pk,
                         space_id=node.space_id, items=deleted)
            _emit_deleted(node, deleted)
            purged += deleted
    return purged
