"""Reads of the drive, always restricted to what the person may read now."""

from atrium.modules.drive.queries.content import RecentFile, export_space, recent_files
from atrium.modules.drive.queries.figures import (
    DedupFigures,
    DriveFigure,
    Usage,
    dedup_figures,
    usage,
)
from atrium.modules.drive.queries.nodes import (
    Page,
    access_node,
    access_share_link,
    access_version,
    breadcrumbs,
    by_path_key,
    children,
    list_children,
    node_in_share,
    share_links,
    trash,
    versions,
)
from atrium.modules.drive.queries.search import search

__all__ = [
    "DedupFigures",
    "DriveFigure",
    "Page",
    "RecentFile",
    "Usage",
    "access_node",
    "access_share_link",
    "access_version",
    "breadcrumbs",
    "by_path_key",
    "children",
    "dedup_figures",
    "export_space",
    "list_children",
    "node_in_share",
    "recent_files",
    "search",
    "share_links",
    "trash",
    "usage",
    "versions",
]
