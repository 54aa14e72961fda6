"""The links pages of a space: list (search, tag, collection), add, edit, delete, save to
my bookmarks. Thin: fetch and check, call a query or an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel.abilities import abilities, has_access, module_access
from atrium.kernel.access import access_space_module
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Access, Space
from atrium.modules.links import actions, queries
from atrium.modules.links.models import Link
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest

PAGE = 200
FIELDS = ("url", "title", "description", "tags", "collection")


def cards(user: Any, links: list[Link], *known: Space
          ) -> list[tuple[Link, dict[str, bool], list[Any]]]:
    """Each link with what the viewer may do and who else saved it."""
    queries.share_spaces(links, *known)
    others = queries.savers(user, links)
    return [(link, abilities(user, link), others.get(link.pk, [])) for link in links]


def filters(request: AuthedRequest) -> dict[str, str]:
    return {"q": request.GET.get("q", "").strip()[:100],
            "tag": request.GET.get("tag", "").strip().lstrip("#")[:40],
            "collection": request.GET.get("collection", "").strip()[:80]}


def list_context(request: AuthedRequest, space: Space, **extra: Any) -> dict[str, Any]:
    chosen = filters(request)
    links = list(queries.links_of_space(space, chosen["q"], tag=chosen["tag"],
                                        collection=chosen["collection"])[:PAGE])
    context = space_context(request, space, active="links")
    context.update({
        "links": cards(request.user, links, space),
        "filters": chosen,
        "search": chosen["q"],
        "collections": queries.collections_of_space(space),
        "tags": queries.tags_of(queries.links_of_space(space)),
        "can_add": has_access(module_access(request.user, space, "links"), Access.WRITE),
        "form_values": {},
        "form_action": "links:add",
    })
    context.update(extra)
    return context


@login_required
def link_list(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    context = list_context(request, space)
    template = "links/_list.html" if request.htmx and request.htmx.target == "link-list" \
        else "links/list.html"
    return TemplateResponse(request, template, context)


def posted(request: AuthedRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in FIELDS}


@login_required
@require_POST
def link_add(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    try:
        actions.do_add_link(request.user, space, **posted(request))
    except ActionError as error:
        messages.error(request, error.message)
        context = list_context(request, space, form_values=request.POST, form_error=error)
        return TemplateResponse(request, "links/list.html", context, status=error.status)
    messages.success(request, _("Link added."))
    return redirect("links:list", space_slug=space.slug)


def _link_in(request: AuthedRequest, space: Space, link_id: int) -> Link:
    link = queries.access_link(request.user, link_id)
    if link.space_id != space.pk:
        link = queries.access_link(request.user, -1)  # the same 404 as a missing link
    return link


@login_required
def link_edit(request: AuthedRequest, space_slug: str, link_id: int) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    link = _link_in(request, space, link_id)
    context = space_context(request, space, active="links")
    context.update({"link": link, "form_values": {
        "url": link.url, "title": link.title, "description": link.description,
        "tags": link.tags, "collection": link.collection},
        "collections": queries.collections_of_space(space)})
    if request.method == "POST":
        try:
            actions.do_edit_link(request.user, link, **posted(request))
        except ActionError as error:
            context.update({"form_values": request.POST, "form_error": error})
            return TemplateResponse(request, "links/edit.html", context, status=error.status)
        messages.success(request, _("Link saved."))
        return redirect("links:list", space_slug=space.slug)
    if not abilities(request.user, link)["edit"]:
        context["form_error"] = ActionError(_("You may not edit this link."))
        return TemplateResponse(request, "links/edit.html", context, status=403)
    return TemplateResponse(request, "links/edit.html", context)


@login_required
@require_POST
def link_delete(request: AuthedRequest, space_slug: str, link_id: int) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    link = _link_in(request, space, link_id)
    try:
        actions.do_delete_link(request.user, link)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("links:list", space_slug=space.slug)
    messages.success(request, _("Link deleted."))
    return redirect("links:list", space_slug=space.slug)


@login_required
@require_POST
def link_save(request: AuthedRequest, space_slug: str, link_id: int) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    link = _link_in(request, space, link_id)
    try:
        actions.do_save_to_my_bookmarks(request.user, link)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved in your bookmarks."))
    return redirect("links:list", space_slug=space.slug)
