"""The drive's part in the content contract: recent files for the feed, and export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import NoReverseMatch, reverse

from atrium.kernel.abilities import spaces_with_module_access
from atrium.kernel.models import Access, Space
from atrium.modules.drive.abilities import MODULE
from atrium.modules.drive.models import FileVersion, Node, NodeKind


@dataclass
class RecentFile:
    """A file as the feed shows it: where, when, who (its latest upload), and a link."""

    node: Node

    @property
    def space(self) -> Space:
        return self.node.space

    @property
    def created_at(self) -> datetime:
        return self.node.updated_at

    @property
    def author(self) -> Any:
        return self.node.updated_by

    def __str__(self) -> str:
        return self.node.name

    def get_absolute_url(self) -> str:
        try:  # the drive's pages, once mounted, name a file's page "drive:file"
            return reverse("drive:file", kwargs={"space_slug": self.space.slug,
                                                 "node_id": self.node.pk})
        except NoReverseMatch:
            return reverse("space", kwargs={"space_slug": self.space.slug})


def recent_files(user: Any, limit: int) -> list[RecentFile]:
    """The files most recently uploaded in the drives `user` may read."""
    spaces = spaces_with_module_access(user, MODULE, Access.READ)
    if not spaces:
        return []
    nodes = (Node.objects.filter(space_id__in=spaces, kind=NodeKind.FILE,
                                 trashed_at__isnull=True)
             .select_related("space", "updated_by").order_by("-updated_at", "-id")
             [:max(0, int(limit))])
    return [RecentFile(node) for node in nodes]


def export_space(space: Space) -> Iterator[dict[str, Any]]:
    """Every live item of the space's drive with its path, and each file's versions."""
    tree = {pk: (parent, name) for pk, parent, name in Node.objects.filter(
        space=space, trashed_at__isnull=True).values_list("pk", "parent_id", "name")}
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        chain: list[int] = []
        probe: int | None = pk
        while probe is not None and probe not in paths and probe in tree:
            chain.append(probe)
            probe = tree[probe][0]
        for item in reversed(chain):
            parent, name = tree[item]
            paths[item] = "" if parent is None else f"{paths.get(parent, '')}/{name}"
        return paths.get(pk, "")

    versions: dict[int, list[dict[str, Any]]] = {}
    for version in (FileVersion.objects.filter(node__space=space, node__trashed_at__isnull=True)
                    .select_related("blob", "uploaded_by").order_by("node_id", "number")):
        versions.setdefault(version.node_id, []).append({
            "number": version.number, "size": version.size, "mime_type": version.mime_type,
            "sha256": version.blob.sha256, "created_at": version.created_at.isoformat(),
            "uploaded_by": version.uploaded_by.email if version.uploaded_by else None,
        })
    nodes = (Node.objects.filter(space=space, trashed_at__isnull=True, parent__isnull=False)
             .select_related("created_by").order_by("id"))
    for node in nodes.iterator(chunk_size=1000):
        yield {
            "id": node.pk, "path": path_of(node.pk), "kind": node.kind, "size": node.size,
            "mime_type": node.mime_type, "created_at": node.created_at.isoformat(),
            "updated_at": node.updated_at.isoformat(),
            "created_by": node.created_by.email if node.created_by else None,
            "versions": versions.get(node.pk, []),
        }
