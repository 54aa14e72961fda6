"""What every drive page shares: the module switch, fetching a space's node for a person
(404 for missing and forbidden alike), answers for scripts and for plain forms, and the
strings the page's scripts show (translated here, so they live in the one catalogue)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from atrium.kernel import modules as module_state
from atrium.kernel.access import access_space_module
from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import Access, Space
from atrium.modules.drive import queries
from atrium.modules.drive.abilities import MODULE
from atrium.modules.drive.models import Node
from atrium.web.shortcuts import json_error

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
ORDERS = ("name", "-name", "modified", "-modified", "size", "-size")
SMALL_UPLOAD = 8 * 1024 * 1024  # larger files go through the resumable (tus) endpoint


def module_on() -> None:
    if not module_state.enabled_for_instance(MODULE):
        raise Http404("module")


def drive_view(view: View) -> View:
    """A signed-in page of the drive: 404 while the drive is switched off for the instance."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        module_on()
        return view(request, *args, **kwargs)

    return cast(View, login_required(wrapper))


def space_of(user: Any, space_slug: str) -> Space:
    return access_space_module(user, space_slug, MODULE, Access.READ)


def node_of(user: Any, space_slug: str, node_id: int, ability: str = "view") -> Node:
    """The node of this space's drive if `user` has `ability` on it; 404 otherwise (also
    when the id belongs to another space, so an address cannot mix two spaces)."""
    space = space_of(user, space_slug)
    node = queries.access_node(user, node_id, ability)
    if node.space_id != space.pk:
        raise NotFound("node")
    node.space = space
    return node


def node_url(node: Node) -> str:
    return reverse("drive:file", kwargs={"space_slug": node.space.slug, "node_id": node.pk})


def place_url(node: Node) -> str:
    """The folder holding `node` (the node itself for a drive's root)."""
    if node.parent_id is None:
        return node_url(node)
    return reverse("drive:file", kwargs={"space_slug": node.space.slug,
                                         "node_id": node.parent_id})


def from_script(request: HttpRequest) -> bool:
    """The page's scripts ask with this header and want JSON (or a fragment), not a page."""
    return request.headers.get("X-Atrium-Fetch") == "1"


def failed(request: HttpRequest, error: ActionError, back: str) -> HttpResponse:
    """An action refused: JSON for scripts, otherwise its message on the page we return to."""
    if from_script(request):
        return json_error(error)
    if isinstance(error, Forbidden):  # never offered by the page: a forged request
        raise PermissionDenied(error.message)
    messages.error(request, error.message)
    return redirect(back)


def done(request: HttpRequest, message: str, back: str, **data: Any) -> HttpResponse:
    if from_script(request):
        return JsonResponse({"ok": True, "message": message, **data})
    if message:
        messages.success(request, message)
    return redirect(back)


def int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def order_of(request: HttpRequest) -> str:
    order = request.GET.get("order", "name")
    return order if order in ORDERS else "name"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def js_strings() -> dict[str, str]:
    """Words the scripts show; {name} placeholders are filled in the browser."""
    return {
        "queued": _("%(name)s: waiting") % {"name": "{name}"},
        "uploading": _("%(name)s: %(percent)s%%") % {"name": "{name}", "percent": "{percent}"},
        "uploaded": _("%(name)s uploaded.") % {"name": "{name}"},
        "failed": _("%(name)s was not uploaded: %(error)s")
        % {"name": "{name}", "error": "{error}"},
        "retrying": _("%(name)s: connection lost, trying again…") % {"name": "{name}"},
        "all_done": _("Uploads finished: %(ok)s done, %(failed)s failed.")
        % {"ok": "{ok}", "failed": "{failed}"},
        "starting": _("Uploading %(count)s files…") % {"count": "{count}"},
        "network_error": _("The server could not be reached."),
        "updated": _("This folder was changed; the list is up to date."),
        "drop_here": _("Drop files or folders to upload them here"),
        "copied": _("Copied"),
    }
