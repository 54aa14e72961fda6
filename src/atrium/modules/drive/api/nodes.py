"""Drives, folders and the tree: a space's drive and my own, listing a folder, an item's
details and path, making folders, renaming, moving, copying, the trash.

An item whose drive I may not read answers 404, like a missing one; one I read but may not
change answers 403 with the action's message. Names follow the drive's rules: a bad one
answers 400 `bad_name`, a name taken in the folder 409 `name_taken`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import SpaceId, errors
from atrium.modules.drive import actions, queries
from atrium.modules.drive.abilities import drive_abilities
from atrium.modules.drive.api.access import (
    drive_space,
    live_node,
    node_detail,
    node_out,
    person_ref,
    seen_node,
    usage_out,
)
from atrium.modules.drive.api.schemas import (
    ChildrenPage,
    Crumb,
    Cursor,
    DeletedOut,
    DriveOut,
    NameIn,
    NodeDetail,
    NodeId,
    Order,
    PageSize,
    TargetIn,
    TrashItemOut,
    UsageOut,
)
from atrium.modules.drive.models import Node

router = Router(tags=["drive"])


def _drive_out(user: Any, root: Node) -> dict[str, Any]:
    space = root.space
    drive = drive_abilities(user, space)
    return {"space_id": space.pk, "space_name": space.name,
            "personal": space.personal_owner_id is not None,
            "root": node_out(user, root, drive), "abilities": drive, "usage": usage_out(space)}


@router.get("/drive/me", response={200: DriveOut, **errors(404)}, summary="My own drive",
            description="The drive of my personal space: its root folder, what I may do, "
            "and its usage against my quota.")
def my_drive(request: HttpRequest) -> dict[str, Any]:
    user = viewer(request)
    return _drive_out(user, actions.personal_drive(user))


@router.get("/drive/spaces/{space_id}", response={200: DriveOut, **errors(404)},
            summary="A space's drive",
            description="Its root folder (made on first use), what I may do with the drive, "
            "and its usage against the space's quota.")
def space_drive(request: HttpRequest, space_id: SpaceId) -> dict[str, Any]:
    user = viewer(request)
    space, _drive = drive_space(user, space_id)
    return _drive_out(user, actions.drive_root(space))


@router.get("/drive/spaces/{space_id}/usage", response={200: UsageOut, **errors(404)},
            summary="A drive's usage",
            description="Bytes of every version of every file (the trash included until it is "
            "emptied or purged) and the quota; null quota means unlimited.")
def space_usage(request: HttpRequest, space_id: SpaceId) -> dict[str, Any]:
    space, _drive = drive_space(viewer(request), space_id)
    return usage_out(space)


@router.get("/drive/nodes/{node_id}", response={200: NodeDetail, **errors(404)},
            summary="A file or folder",
            description="With its current version number and its path from the drive's root. "
            "An item in the trash is seen by the drive's readers (to restore it).")
def get_node(request: HttpRequest, node_id: NodeId) -> dict[str, Any]:
    user = viewer(request)
    node, drive = seen_node(user, node_id)
    return node_detail(user, node, drive)


@router.get("/drive/nodes/{node_id}/children", response={200: ChildrenPage, **errors(400, 404)},
            summary="List a folder",
            description="Folders first, then files, by `order`. Pages of `limit` items; "
            "pass `next_cursor` as `cursor` for the next page (stable while items change).")
def list_folder(request: HttpRequest, node_id: NodeId, order: Order = "name",
                cursor: Cursor = None, limit: PageSize = 200) -> dict[str, Any]:
    user = viewer(request)
    folder, drive = live_node(user, node_id)
    found = queries.children(user, folder, order=order, cursor=cursor, limit=limit)
    return {"folder": node_out(user, folder, drive),
            "items": [node_out(user, n, found.drive) for n in found.items],
            "next_cursor": found.next_cursor}


@router.get("/drive/nodes/{node_id}/breadcrumbs", response={200: list[Crumb], **errors(404)},
            summary="The path to an item", description="Folders from the root down to it.")
def node_breadcrumbs(request: HttpRequest, node_id: NodeId) -> list[dict[str, Any]]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    return [{"id": n.pk, "name": n.name} for n in queries.breadcrumbs(user, node)]


@router.post("/drive/nodes/{node_id}/folders",
             response={201: NodeDetail, **errors(400, 403, 404, 409)},
             summary="Make a folder", description="In the folder `node_id`, for those who "
             "write in the drive. 409 when the name is taken (compared without case).")
def create_folder(request: HttpRequest, node_id: NodeId, payload: NameIn) -> Status[Any]:
    user = viewer(request)
    parent, _drive = live_node(user, node_id)
    folder = actions.do_create_folder(user, parent, payload.name)
    return Status(201, node_detail(user, folder))


@router.patch("/drive/nodes/{node_id}", response={200: NodeDetail, **errors(400, 403, 404, 409)},
              summary="Rename a file or folder")
def rename_node(request: HttpRequest, node_id: NodeId, payload: NameIn) -> dict[str, Any]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    actions.do_rename(user, node, payload.name)
    return node_detail(user, node)


@router.post("/drive/nodes/{node_id}/move", response={200: NodeDetail,
                                                      **errors(400, 403, 404, 409, 413)},
             summary="Move a file or folder",
             description="Into `parent_id`, in this drive or another I write in (the other "
             "drive's quota counts its versions: 413 `quota_exceeded`).")
def move_node(request: HttpRequest, node_id: NodeId, payload: TargetIn) -> dict[str, Any]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    target, _target_drive = live_node(user, payload.parent_id)
    actions.do_move(user, node, target)
    return node_detail(user, node)


@router.post("/drive/nodes/{node_id}/copy", response={201: NodeDetail,
                                                      **errors(400, 403, 404, 409, 413)},
             summary="Copy a file or folder",
             description="Into `parent_id` (any drive I write in); the copy shares the "
             "stored bytes. A name taken there gets \" (2)\".")
def copy_node(request: HttpRequest, node_id: NodeId, payload: TargetIn) -> Status[Any]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    target, _target_drive = live_node(user, payload.parent_id)
    copy = actions.do_copy(user, node, target)
    return Status(201, node_detail(user, copy))


@router.post("/drive/nodes/{node_id}/trash", response={200: NodeDetail, **errors(403, 404)},
             summary="Put in the trash",
             description="With everything inside; restorable until the trash is emptied or "
             "the item is purged (after `ATRIUM_DRIVE_TRASH_DAYS`).")
def trash_node(request: HttpRequest, node_id: NodeId) -> dict[str, Any]:
    user = viewer(request)
    node, _drive = live_node(user, node_id)
    actions.do_trash(user, node)
    return node_detail(user, node)


@router.post("/drive/nodes/{node_id}/restore", response={200: NodeDetail, **errors(403, 404)},
             summary="Bring back from the trash",
             description="To its folder, or to the root if that folder is in the trash too; "
             "a name now taken gets \" (2)\".")
def restore_node(request: HttpRequest, node_id: NodeId) -> dict[str, Any]:
    user = viewer(request)
    node, _drive = seen_node(user, node_id)
    actions.do_restore(user, node)
    return node_detail(user, node)


@router.delete("/drive/nodes/{node_id}", response={200: DeletedOut, **errors(400, 403, 404)},
               summary="Delete for good",
               description="Only an item in the trash (400 `not_in_trash` otherwise); for the "
               "space's admins and for whoever put it there.")
def delete_node(request: HttpRequest, node_id: NodeId) -> dict[str, Any]:
    user = viewer(request)
    node, _drive = seen_node(user, node_id)
    return {"deleted": actions.do_delete_forever(user, node)}


@router.get("/drive/spaces/{space_id}/trash", response={200: list[TrashItemOut], **errors(404)},
            summary="A drive's trash",
            description="What was put in the trash (each with what went with it), newest "
            "first.")
def list_trash(request: HttpRequest, space_id: SpaceId) -> list[dict[str, Any]]:
    user = viewer(request)
    space, drive = drive_space(user, space_id)
    return [node_out(user, n, drive, trashed_by=person_ref(n.trashed_by))
            for n in queries.trash(user, space)]


@router.delete("/drive/spaces/{space_id}/trash", response={200: DeletedOut, **errors(403, 404)},
               summary="Empty a drive's trash", description="For the space's admins.")
def empty_trash(request: HttpRequest, space_id: SpaceId) -> dict[str, Any]:
    user = viewer(request)
    space, _drive = drive_space(user, space_id)
    return {"deleted": actions.do_empty_trash(user, space)}
