"""Typed events of the drive, sent to the space's audience ("space", id).

They carry ids, names and the kind of change: a live page refetches the folder it shows.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from atrium.kernel.events import Event

NodeChange = Literal["renamed", "moved", "moved_away", "version", "trashed", "restored"]


class NodeCreated(Event):
    """A folder was made, a file uploaded or copied here."""

    type: ClassVar[str] = "drive.node.created"
    space_id: int
    node_id: int
    parent_id: int | None
    kind: str
    name: str


class NodeChanged(Event):
    type: ClassVar[str] = "drive.node.changed"
    space_id: int
    node_id: int
    parent_id: int | None
    name: str
    change: NodeChange


class NodeDeleted(Event):
    """Deleted forever (from the trash): `count` nodes with everything inside."""

    type: ClassVar[str] = "drive.node.deleted"
    space_id: int
    node_id: int
    count: int


class ShareLinkChanged(Event):
    type: ClassVar[str] = "drive.share_link"
    space_id: int
    node_id: int
    link_id: int
    change: Literal["created", "revoked"]


class QuotaChanged(Event):
    type: ClassVar[str] = "drive.quota"
    space_id: int
    quota_bytes: int | None


EVENT_TYPES = (NodeCreated, NodeChanged, NodeDeleted, ShareLinkChanged, QuotaChanged)
