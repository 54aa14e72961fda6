"""Changing the drive from its pages: new folder, rename, move and copy (with a folder
picker that works without script), trash, restore, delete forever, empty the trash,
restore a version. Each view calls one action; refusals come back as messages (or JSON for
the page's scripts)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel.abilities import spaces_with_module_access
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Access, Space
from atrium.modules.drive import actions, queries
from atrium.modules.drive.abilities import MODULE, drive_abilities, node_abilities
from atrium.modules.drive.models import Node
from atrium.modules.drive.views.common import (
    done,
    drive_view,
    failed,
    int_or_none,
    node_of,
    node_url,
    place_url,
    space_of,
)
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest

MAX_DRIVES = 200


@drive_view
@require_POST
def create_folder(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    parent = node_of(request.user, space_slug, node_id)
    try:
        folder = actions.do_create_folder(request.user, parent, request.POST.get("name", ""))
    except ActionError as error:
        return failed(request, error, node_url(parent))
    return done(request, _("Folder “%(name)s” created.") % {"name": folder.name},
                node_url(parent), id=folder.pk)


@drive_view
@require_POST
def rename(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    node = node_of(request.user, space_slug, node_id)
    try:
        actions.do_rename(request.user, node, request.POST.get("name", ""))
    except ActionError as error:
        return failed(request, error, node_url(node))
    return done(request, _("Renamed to “%(name)s”.") % {"name": node.name}, node_url(node))


def _target(user: Any, raw: Any) -> Node:
    folder_id = int_or_none(raw)
    if folder_id is None:
        raise NotFound("folder")
    return queries.access_node(user, folder_id)


@drive_view
def pick(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    """The folder picker for a move or a copy: browse folders of the drives one may write
    to, then "Move here" / "Copy here"."""
    user = request.user
    node = node_of(request.user, space_slug, node_id)
    op = "copy" if request.GET.get("op") == "copy" else "move"
    space_id = int_or_none(request.GET.get("space"))
    if space_id is not None:
        writable = spaces_with_module_access(user, MODULE, Access.WRITE)
        space = Space.objects.filter(pk=space_id, pk__in=list(writable)).first()
        if space is None:
            raise NotFound("drive")
        target = actions.drive_root(space)
    elif request.GET.get("to"):
        target = _target(user, request.GET.get("to"))
    else:
        target = node.parent or node
    if not target.is_folder:
        raise NotFound("folder")
    folders, _more = queries.list_children(target, "name", None, 500)
    writable = list(spaces_with_module_access(user, MODULE, Access.WRITE))
    drives = Space.objects.filter(pk__in=writable[:MAX_DRIVES]).order_by("name")
    context = space_context(request, node.space, active=MODULE)
    context.update({
        "node": node, "op": op, "target": target,
        "crumbs": queries.breadcrumbs(user, target),
        "folders": [f for f in folders if f.is_folder and f.pk != node.pk],
        "drives": drives,
        "can_drop": drive_abilities(user, target.space)["write"] and target.pk != node.pk,
        "action_url": reverse(f"drive:{op}", kwargs={"space_slug": space_slug,
                                                     "node_id": node.pk}),
    })
    return TemplateResponse(request, "drive/pick.html", context)


@drive_view
@require_POST
def move(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    node = node_of(request.user, space_slug, node_id)
    try:
        target = _target(request.user, request.POST.get("to"))
        actions.do_move(request.user, node, target)
    except ActionError as error:
        return failed(request, error, node_url(node))
    return done(request, _("“%(name)s” moved.") % {"name": node.name}, node_url(target))


@drive_view
@require_POST
def copy(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    node = node_of(request.user, space_slug, node_id)
    try:
        target = _target(request.user, request.POST.get("to"))
        made = actions.do_copy(request.user, node, target)
    except ActionError as error:
        return failed(request, error, node_url(node))
    return done(request, _("Copied as “%(name)s”.") % {"name": made.name}, node_url(target))


@drive_view
@require_POST
def trash(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    node = node_of(request.user, space_slug, node_id)
    try:
        actions.do_trash(request.user, node)
    except ActionError as error:
        return failed(request, error, node_url(node))
    back = place_url(node)
    return done(request, _("“%(name)s” was put in the trash.") % {"name": node.name}, back)


def _trashed(request: AuthedRequest, space_slug: str, node_id: int) -> Node:
    return node_of(request.user, space_slug, node_id, "view_trashed")


@drive_view
@require_POST
def restore(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    node = _trashed(request, space_slug, node_id)
    back = reverse("drive:trash", kwargs={"space_slug": space_slug})
    try:
        actions.do_restore(request.user, node)
    except ActionError as error:
        return failed(request, error, back)
    return done(request, _("“%(name)s” was restored.") % {"name": node.name}, back)


@drive_view
@require_POST
def delete_forever(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    node = _trashed(request, space_slug, node_id)
    back = reverse("drive:trash", kwargs={"space_slug": space_slug})
    try:
        actions.do_delete_forever(request.user, node)
    except ActionError as error:
        return failed(request, error, back)
    return done(request, _("“%(name)s” was deleted for good.") % {"name": node.name}, back)


@drive_view
@require_POST
def empty_trash(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = space_of(request.user, space_slug)
    back = reverse("drive:trash", kwargs={"space_slug": space_slug})
    try:
        count = actions.do_empty_trash(request.user, space)
    except ActionError as error:
        return failed(request, error, back)
    return done(request, _("The trash was emptied (%(count)s items deleted for good).")
                % {"count": count}, back)


@drive_view
@require_POST
def restore_version(request: AuthedRequest, space_slug: str, version_id: int) -> HttpResponse:
    version = queries.access_version(request.user, version_id)
    node = node_of(request.user, space_slug, version.node_id)
    try:
        made = actions.do_restore_version(request.user, version)
    except ActionError as error:
        return failed(request, error, node_url(node))
    return done(request, _("Version %(old)s restored as version %(new)s.")
                % {"old": version.number, "new": made.number}, node_url(node))


@drive_view
def trash_page(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = space_of(request.user, space_slug)
    context = space_context(request, space, active=MODULE)
    items = queries.trash(request.user, space)
    drive = drive_abilities(request.user, space)
    context.update({"items": [(item, node_abilities(item, request.user, drive))
                              for item in items],
                    "drive_can": drive, "drive_section": "trash",
                    "trash_days": settings.ATRIUM_DRIVE_TRASH_DAYS})
    return TemplateResponse(request, "drive/trash.html", context)
