"""Who may do what in a drive.

A space's files follow the drive module's access there (`module_access(user, space,
"drive")`): READ lists, downloads and copies out; WRITE uploads, makes folders, renames,
moves, trashes, restores and shares by link. A personal drive is its owner's alone; guests
reach only the spaces they belong to, as the space allows. An archived space is read-only.
Space admins and the organisation's admins (with at least read access) manage: they delete
forever, empty the trash and revoke anyone's links; whoever trashed an item may delete it
forever too. Quotas are set by the organisation's admins only, never by a space's admins.
"""

from __future__ import annotations

from typing import Any

from atrium.kernel import modules as module_state
from atrium.kernel.abilities import (
    abilities,
    abilities_of,
    has_access,
    is_active_user,
    module_access,
)
from atrium.kernel.models import Access, Space
from atrium.modules.drive.models import Node, ShareLink

MODULE = "drive"
NODE_ABILITIES = ("view", "view_trashed", "download", "upload", "create_folder", "edit",
                  "rename", "move", "copy", "trash", "restore", "delete_forever", "share",
                  "versions", "manage")


def drive_abilities(user: Any, space: Space) -> dict[str, bool]:
    """What `user` may do with the drive of `space` as a whole."""
    access = module_access(user, space, MODULE)
    read = has_access(access, Access.READ)
    write = has_access(access, Access.WRITE) and space.archived_at is None
    manager = read and is_active_user(user) and abilities(user, space)["manage"]
    org_admin = (is_active_user(user) and user.is_org_admin
                 and module_state.enabled_for_instance(MODULE))
    return {
        "view": read,
        "write": write,
        "manage": manager and space.archived_at is None,
        "empty_trash": manager and space.archived_at is None,
        "set_quota": bool(org_admin),
    }


def node_abilities(node: Node, user: Any, drive: dict[str, bool]) -> dict[str, bool]:
    """A node's abilities from its drive's (`drive`), without any query: lists compute the
    drive's once and call this for each row."""
    live = node.trashed_at is None
    root = node.parent_id is None
    view, write, manage = drive["view"], drive["write"], drive["manage"]
    folder = node.kind == "folder"
    trashed_it = (not live and is_active_user(user) and node.trashed_by_id == user.pk
                  and node.trashed_with_id == node.pk)
    return {
        "view": view and live,
        "view_trashed": view and not live,
        "download": view and live,
        "upload": write and live and folder,
        "create_folder": write and live and folder,
        "edit": write and live and not root,
        "rename": write and live and not root,
        "move": write and live and not root,
        "copy": view and live and not root,
        "trash": write and live and not root,
        "restore": write and not live and node.trashed_with_id == node.pk,
        "delete_forever": (not live and node.trashed_with_id == node.pk
                           and (manage or (write and trashed_it))),
        "share": write and live,
        "versions": view and live and not folder,
        "manage": manage,
    }


@abilities_of.register
def _node_abilities(node: Node, user: Any) -> dict[str, bool]:
    return node_abilities(node, user, drive_abilities(user, node.space))


@abilities_of.register
def _share_link_abilities(link: ShareLink, user: Any) -> dict[str, bool]:
    drive = drive_abilities(user, link.node.space)
    own = is_active_user(user) and link.created_by_id == user.pk
    return {
        "view": drive["view"] and (own or drive["write"]),
        "revoke": link.revoked_at is None and (drive["manage"] or (own and drive["write"])),
    }
