"""What the drive's actions share: the root of a drive, rights checks, name clashes, quotas,
audit records and events."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from atrium.kernel import audit, events
from atrium.kernel.abilities import is_active_user
from atrium.kernel.errors import ActionError, Conflict, Forbidden, NotFound
from atrium.kernel.models import Space, User
from atrium.modules.drive.abilities import drive_abilities, node_abilities
from atrium.modules.drive.events import NodeChange, NodeChanged, NodeCreated
from atrium.modules.drive.models import DriveQuota, FileVersion, Node, NodeKind
from atrium.modules.drive.names import name_key, numbered

MAX_DEPTH = 64


class QuotaExceeded(ActionError):
    """The drive would hold more than its quota; nothing was stored (HTTP 413)."""

    status = 413

    def __init__(self, message: str) -> None:
        super().__init__(message, code="quota_exceeded", field="file")


def drive_root(space: Space) -> Node:
    """The root folder of the space's drive, made on first use."""
    root = Node.objects.filter(space=space, parent__isnull=True).first()
    if root is not None:
        return root
    try:
        with transaction.atomic():
            return Node.objects.create(space=space, parent=None, kind=NodeKind.FOLDER,
                                       name="", name_key="", created_by=space.personal_owner)
    except IntegrityError:  # made by a concurrent request
        return Node.objects.get(space=space, parent__isnull=True)


def personal_drive(user: Any) -> Node:
    """The root of the person's own drive (the drive of their personal space)."""
    space = Space.objects.filter(personal_owner=user).first() \
        if getattr(user, "is_authenticated", False) else None
    if space is None:
        raise NotFound("drive")
    return drive_root(space)


def require_user(actor: Any) -> User:
    if not is_active_user(actor):
        raise Forbidden(_("Sign in to use the drive."))
    return actor


def require(actor: Any, node: Node, ability: str, message: str) -> dict[str, bool]:
    """The node's abilities if `actor` has `ability`; NotFound if they may not even see the
    drive (nothing revealed), Forbidden otherwise."""
    drive = drive_abilities(actor, node.space)
    can = node_abilities(node, actor, drive)
    if not can.get(ability, False):
        if not drive["view"]:
            raise NotFound("node")
        raise Forbidden(message)
    return can


def require_live_folder(actor: Any, folder: Node) -> None:
    if folder.kind != NodeKind.FOLDER:
        raise ActionError(_("Files can only be placed in a folder."), code="not_a_folder",
                          field="parent")
    if folder.trashed_at is not None:
        raise ActionError(_("This folder is in the trash."), code="in_trash", field="parent")
    require(actor, folder, "upload", _("You may not add files to this folder."))


def live_child(parent: Node, name: str) -> Node | None:
    return (Node.objects.filter(parent=parent, name_key=name_key(name), trashed_at__isnull=True)
            .first())


def refuse_clash(parent: Node, name: str, exclude: int | None = None) -> None:
    clash = live_child(parent, name)
    if clash is not None and clash.pk != exclude:
        raise Conflict(_("“%(name)s” already exists in this folder.") % {"name": clash.name},
                       code="name_taken", field="name")


def free_name(parent: Node, name: str) -> str:
    """`name`, or "name (2)", "name (3)"… the first one free among the folder's live items."""
    if live_child(parent, name) is None:
        return name
    n = 2
    while live_child(parent, numbered(name, n)) is not None:
        n += 1
    return numbered(name, n)


def ancestors(node: Node) -> list[Node]:
    """The node's folders from the root down to its parent (one query per level)."""
    chain: list[Node] = []
    parent_id = node.parent_id
    while parent_id is not None and len(chain) < MAX_DEPTH + 1:
        parent = Node.objects.get(pk=parent_id)
        chain.append(parent)
        parent_id = parent.parent_id
    return chain[::-1]


def subtree_ids(node: Node) -> list[int]:
    """The node and everything below it, whatever their trash state (a query per level)."""
    found = [node.pk]
    level = [node.pk]
    while level:
        level = list(Node.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.extend(level)
    return found


def usage_bytes(space_id: int) -> int:
    """Bytes of every version of every file in the drive, the trash included."""
    total = FileVersion.objects.filter(node__space_id=space_id).aggregate(s=Sum("size"))["s"]
    return int(total or 0)


def quota_bytes(space_id: int) -> int | None:
    return (DriveQuota.objects.filter(space_id=space_id)
            .values_list("quota_bytes", flat=True).first())


def remaining_bytes(space: Space, *, lock: bool = False) -> int | None:
    """What the drive may still take; None when unlimited. `lock` serialises writers of a
    limited drive (two uploads cannot both take the last free bytes)."""
    quota = quota_bytes(space.pk)
    if quota is None:
        return None
    if lock:
        list(Node.objects.select_for_update().filter(space=space, parent__isnull=True)
             .values_list("pk", flat=True))
    return max(0, quota - usage_bytes(space.pk))


def quota_message(space: Space, needed: int | None) -> str:
    quota = quota_bytes(space.pk) or 0
    used = usage_bytes(space.pk)
    values = {"used": human_bytes(used), "quota": human_bytes(quota),
              "left": human_bytes(max(0, quota - used)),
              "needed": human_bytes(needed or 0)}
    if needed is None:
        return _("Not enough room in this drive: %(used)s of %(quota)s used, and the file is "
                 "larger than the %(left)s left. Empty the trash or ask an administrator for "
                 "more room.") % values
    return _("Not enough room in this drive: %(used)s of %(quota)s used, this needs "
             "%(needed)s and %(left)s are left. Empty the trash or ask an administrator for "
             "more room.") % values


def check_room(space: Space, needed: int) -> None:
    remaining = remaining_bytes(space, lock=True)
    if remaining is not None and needed > remaining:
        raise QuotaExceeded(quota_message(space, needed))


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def record(action: str, actor: Any, node: Node, **data: Any) -> None:
    audit.record(action, actor=actor, target=node, target_label=node.name[:254],
                 space_id=node.space_id, **data)


def emit_created(node: Node) -> None:
    events.emit(NodeCreated(space_id=node.space_id, node_id=node.pk, parent_id=node.parent_id,
                            kind=node.kind, name=node.name), "space", node.space_id)


def emit_changed(node: Node, change: NodeChange, space_id: int | None = None) -> None:
    space = space_id or node.space_id
    events.emit(NodeChanged(space_id=space, node_id=node.pk, parent_id=node.parent_id,
                            name=node.name, change=change), "space", space)
