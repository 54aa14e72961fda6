from typing import ClassVar

from atrium.kernel.events import Event


class LinkAdded(Event):
    type: ClassVar[str] = "links.added"
    link_id: int
    space_id: int


class LinkChanged(Event):
    type: ClassVar[str] = "links.changed"
    link_id: int
    space_id: int


class LinkDeleted(Event):
    type: ClassVar[str] = "links.deleted"
    link_id: int
    space_id: int


EVENT_TYPES = (LinkAdded, LinkChanged, LinkDeleted)
