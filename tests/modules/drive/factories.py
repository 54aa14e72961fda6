"""Drive test data, made through the drive's own actions (so every invariant holds)."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from atrium.kernel.models import Space, User, Visibility
from atrium.modules.drive.actions import (
    do_create_folder,
    do_trash,
    do_upload_file,
    drive_root,
)
from atrium.modules.drive.models import Node
from tests.factories import World, make_world


def make_file(actor: User, parent: Node, name: str = "notes.txt",
              data: bytes = b"some notes\n") -> Node:
    return do_upload_file(actor, parent, name, BytesIO(data))


def make_folder(actor: User, parent: Node, name: str = "Reports") -> Node:
    return do_create_folder(actor, parent, name)


@dataclass
class DriveWorld:
    """`make_world()` plus a drive: the space's root with a folder "Reports" holding a file
    "plan.txt" (by the member); a file trashed by the member; the deactivated person was a
    member who uploaded a file before leaving."""

    world: World
    root: Node
    folder: Node
    file: Node
    trashed: Node

    def user(self, role: str) -> User | None:
        return self.world.user(role)

    @property
    def space(self) -> Space:
        return self.world.space


def make_drive_world(visibility: str = Visibility.PRIVATE) -> DriveWorld:
    world = make_world(visibility)
    root = drive_root(world.space)
    folder = make_folder(world.member, root, "Reports")
    file = make_file(world.member, folder, "plan.txt", b"the plan\n")
    trashed = do_trash(world.member, make_file(world.member, root, "old.txt", b"old\n"))
    for person in (world.space_admin, world.member, world.reader, world.guest, world.outsider,
                   world.org_admin, world.owner, world.deactivated):
        person.__dict__.pop("_space_roles", None)
    return DriveWorld(world, root, folder, file, trashed)


def fresh(node: Node) -> Node:
    return Node.objects.select_related("space").get(pk=node.pk)

