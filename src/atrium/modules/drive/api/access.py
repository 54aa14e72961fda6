"""Fetch-and-check for the drive API, and the answers built from what was fetched.

Who *sees* an item: those who read its space's drive (an item in the trash included, for
restoring it). Anybody else gets 404, as for a missing id. Someone who sees an item but may
not do what they ask gets 403 from the action, with its message.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.urls import reverse

from atrium.kernel import previews
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Space, User
from atrium.modules.drive import queries
from atrium.modules.drive.abilities import drive_abilities, node_abilities
from atrium.modules.drive.models import FileVersion, Node, ShareLink


@cache
def api_root() -> str:
    return reverse("api:api-root")  # "/api/v1/"


def seen_node(user: Any, node_id: int) -> tuple[Node, dict[str, bool]]:
    """The node and its drive's abilities, if `user` reads its drive (trashed or not)."""
    node = Node.objects.select_related("space").filter(pk=node_id).first()
    if node is None:
        raise NotFound("node")
    drive = drive_abilities(user, node.space)
    if not drive["view"]:
        raise NotFound("node")
    return node, drive


def live_node(user: Any, node_id: int) -> tuple[Node, dict[str, bool]]:
    """A node not in the trash that `user` sees."""
    node, drive = seen_node(user, node_id)
    if node.trashed_at is not None:
        raise NotFound("node")
    return node, drive


def drive_space(user: Any, space_id: int) -> tuple[Space, dict[str, bool]]:
    """A space whose drive `user` reads (the module on there), else NotFound."""
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        raise NotFound("drive")
    drive = drive_abilities(user, space)
    if not drive["view"]:
        raise NotFound("drive")
    return space, drive


def person_ref(person: User | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.pk, "name": person.display_name}


def node_url(node: Node, what: str) -> str:
    return f"{api_root()}drive/nodes/{node.pk}/{what}"


def node_out(user: Any, node: Node, drive: dict[str, bool], **extra: Any) -> dict[str, Any]:
    """The JSON of a node. Reads no row besides `updated_by` (select it with the node)."""
    is_file = node.kind == "file"
    return {
        "id": node.pk, "space_id": node.space_id, "parent_id": node.parent_id,
        "kind": node.kind, "name": node.name, "size": node.size, "mime_type": node.mime_type,
        "created_at": node.created_at, "updated_at": node.updated_at,
        "updated_by": person_ref(node.updated_by) if node.updated_by_id else None,
        "trashed_at": node.trashed_at,
        "download_url": node_url(node, "download"),
        "thumbnail_url": (node_url(node, "thumbnail")
                          if is_file and previews.previewable(node.mime_type) else None),
        "abilities": node_abilities(node, user, drive),
        **extra,
    }


def node_detail(user: Any, node: Node, drive: dict[str, bool] | None = None) -> dict[str, Any]:
    drive = drive if drive is not None else drive_abilities(user, node.space)
    fresh = Node.objects.select_related("space", "updated_by", "current").get(pk=node.pk)
    crumbs = queries.breadcrumbs(user, fresh) if fresh.trashed_at is None else [fresh]
    return node_out(user, fresh, drive,
                    version=fresh.current.number if fresh.current else None,
                    breadcrumbs=[{"id": c.pk, "name": c.name} for c in crumbs])


def usage_out(space: Space) -> dict[str, Any]:
    found = queries.usage(space)
    return {"used_bytes": found.used, "quota_bytes": found.quota,
            "remaining_bytes": found.remaining, "percent": found.percent}


def version_out(version: FileVersion, current_id: int | None) -> dict[str, Any]:
    return {"id": version.pk, "number": version.number, "name": version.name,
            "size": version.size, "mime_type": version.mime_type,
            "uploaded_by": person_ref(version.uploaded_by), "created_at": version.created_at,
            "restored_from_id": version.restored_from_id, "current": version.pk == current_id,
            "download_url": f"{api_root()}drive/versions/{version.pk}/download"}


def link_out(user: Any, link: ShareLink, **extra: Any) -> dict[str, Any]:
    from atrium.kernel.abilities import abilities

    return {"id": link.pk, "node_id": link.node_id, "created_by": person_ref(link.created_by),
            "created_at": link.created_at, "expires_at": link.expires_at,
            "revoked_at": link.revoked_at, "has_password": link.has_password,
            "active": link.is_active(), "access_count": link.access_count,
            "last_access_at": link.last_access_at, "abilities": abilities(user, link), **extra}
