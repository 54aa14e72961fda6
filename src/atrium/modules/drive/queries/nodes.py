"""Reads of folders and files, always restricted to what the person may read now."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from atrium.kernel.abilities import abilities
from atrium.kernel.errors import ActionError, NotFound
from atrium.modules.drive.abilities import drive_abilities
from atrium.modules.drive.actions.common import MAX_DEPTH
from atrium.modules.drive.models import FileVersion, Node, NodeKind, ShareLink
from atrium.modules.drive.names import name_key

MAX_PAGE = 1000
ORDERS = {"name": "name_key", "modified": "updated_at", "size": "size"}


@dataclass
class Page:
    """A page of a folder's live items, folders first; `next_cursor` is None on the last."""

    items: list[Node]
    next_cursor: str | None
    drive: dict[str, bool] = field(default_factory=dict)


def access_node(user: Any, node_id: int, ability: str = "view") -> Node:
    """The node (with its space) if `user` has `ability` on it; else NotFound, missing or
    not. Items in the trash answer to "view_trashed", "restore" and "delete_forever"."""
    node = Node.objects.select_related("space").filter(pk=node_id).first() \
        if isinstance(node_id, int) else None
    if node is None or not abilities(user, node).get(ability, False):
        raise NotFound("node")
    return node


def access_version(user: Any, version_id: int) -> FileVersion:
    """A version of a file `user` may read, with its blob and node."""
    version = (FileVersion.objects.select_related("node__space", "blob", "uploaded_by")
               .filter(pk=version_id).first()) if isinstance(version_id, int) else None
    if version is None or not abilities(user, version.node)["versions"]:
        raise NotFound("version")
    return version


def access_share_link(user: Any, link_id: int) -> ShareLink:
    link = (ShareLink.objects.select_related("node__space").filter(pk=link_id).first()
            if isinstance(link_id, int) else None)
    if link is None or not abilities(user, link)["view"]:
        raise NotFound("share link")
    return link


def _parse_order(order: str) -> tuple[str, bool]:
    descending = order.startswith("-")
    key = order.lstrip("-")
    if key not in ORDERS:
        raise ActionError(_("Sort by name, modified or size."), code="bad_order", field="order")
    return ORDERS[key], descending


def _encode(node: Node, column: str) -> str:
    value = getattr(node, column)
    raw = [node.kind, value.isoformat() if column == "updated_at" else value, node.pk]
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


def _decode(cursor: str, column: str) -> tuple[str, Any, int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        kind, value, pk = raw
        if column == "updated_at":
            value = parse_datetime(value)
        ok = (kind in NodeKind.values and isinstance(pk, int)
              and isinstance(value, int if column == "size" else str if column == "name_key"
                             else object) and value is not None)
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise ActionError(_("This page link is not valid any more."), code="bad_cursor",
                          field="cursor")
    return kind, value, pk


def list_children(folder: Node, order: str = "name", cursor: str | None = None,
                  limit: int = 200) -> tuple[list[Node], str | None]:
    """A page of `folder`'s live items with no rights check (callers check them: `children`
    for people, share links for their folder). Keyset pagination: the same few queries
    whatever the folder's size or the page's depth."""
    column, descending = _parse_order(order)
    limit = max(1, min(int(limit), MAX_PAGE))
    rows: QuerySet[Node] = Node.objects.filter(parent=folder, trashed_at__isnull=True)
    if cursor:
        kind, value, pk = _decode(cursor, column)
        after = (Q(**{f"{column}__lt": value}) | Q(**{column: value, "id__lt": pk})) \
            if descending else (Q(**{f"{column}__gt": value}) | Q(**{column: value, "id__gt": pk}))
        rows = rows.filter(Q(kind__lt=kind) | (Q(kind=kind) & after))
    sign = "-" if descending else ""
    found = list(rows.select_related("updated_by")
                 .order_by("-kind", f"{sign}{column}", f"{sign}id")[:limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, (_encode(found[-1], column) if more and found else None)


def children(user: Any, folder: Node, order: str = "name", cursor: str | None = None,
             limit: int = 200) -> Page:
    """A page of the live items of a folder `user` may read; `order` is "name", "modified"
    or "size", with "-" for descending; `cursor` comes from the previous page."""
    drive = drive_abilities(user, folder.space)
    if not drive["view"] or folder.kind != NodeKind.FOLDER or folder.trashed_at is not None:
        raise NotFound("folder")
    items, next_cursor = list_children(folder, order, cursor, limit)
    return Page(items, next_cursor, drive)


def breadcrumbs(user: Any, node: Node) -> list[Node]:
    """The folders from the drive's root down to `node` itself (a query per level)."""
    if not abilities(user, node)["view"]:
        raise NotFound("node")
    chain = [node]
    while chain[-1].parent_id is not None and len(chain) <= MAX_DEPTH + 1:
        chain.append(Node.objects.get(pk=chain[-1].parent_id))
    return chain[::-1]


def trash(user: Any, space: Any) -> list[Node]:
    """What was put in the space's trash (each with what went with it), newest first."""
    if not drive_abilities(user, space)["view"]:
        raise NotFound("drive")
    return list(Node.objects.filter(space=space, trashed_at__isnull=False)
                .filter(trashed_with_id=F("pk"))
                .select_related("trashed_by", "parent").order_by("-trashed_at", "-id")[:1000])




def versions(user: Any, node: Node) -> list[FileVersion]:
    """The file's versions, newest first, with who uploaded each."""
    if not abilities(user, node)["versions"]:
        raise NotFound("node")
    return list(FileVersion.objects.filter(node=node).select_related("uploaded_by", "blob")
                .order_by("-number"))


def share_links(user: Any, node: Node) -> list[ShareLink]:
    """The links to `node` that `user` may see (writers: all; others: their own)."""
    if not abilities(user, node)["view"]:
        raise NotFound("node")
    links = ShareLink.objects.filter(node=node).select_related("created_by", "node__space")
    return [link for link in links if abilities(user, link)["view"]]


def node_in_share(link: ShareLink, node_id: int) -> Node:
    """A live item reached through an opened share link: its node or one inside it."""
    node = Node.objects.select_related("space").filter(pk=node_id, trashed_at__isnull=True,
                                                       space_id=link.node.space_id).first()
    probe = node
    for _depth in range(MAX_DEPTH + 2):
        if probe is None:
            break
        if probe.pk == link.node_id:
            return node  # type: ignore[return-value]
        if probe.parent_id is None:
            break
        probe = Node.objects.filter(pk=probe.parent_id, trashed_at__isnull=True).first()
    raise NotFound("node")


def by_path_key(folder: Node, name: str) -> Node | None:
    """The live item named `name` (compared as names are) in `folder`; no rights check."""
    return Node.objects.filter(parent=folder, name_key=name_key(name),
                               trashed_at__isnull=True).first()
