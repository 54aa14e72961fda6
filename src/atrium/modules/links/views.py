from __future__ import annotations

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
from atrium.kernel.models import Access
from atrium.modules.links import actions, queries
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest


@login_required
def link_list(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    search = request.GET.get("q", "").strip()[:100]
    links = queries.links_of_space(space, search)[:200]
    context = space_context(request, space, active="links")
    context.update({
        "links": [(link, abilities(request.user, link)) for link in links],
        "search": search,
        "can_add": has_access(module_access(request.user, space, "links"), Access.WRITE),
        "form_values": {},
    })
    template = "links/_list.html" if request.htmx and request.htmx.target == "link-list" \
        else "links/list.html"
    return TemplateResponse(request, template, context)


@login_required
@require_POST
def link_add(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    try:
        actions.do_add_link(request.user, space, url=request.POST.get("url", ""),
                            title=request.POST.get("title", ""),
                            description=request.POST.get("description", ""),
                            tags=request.POST.get("tags", ""))
    except ActionError as error:
        messages.error(request, error.message)
        context = space_context(request, space, active="links")
        context.update({"links": [(link, abilities(request.user, link))
                                  for link in queries.links_of_space(space)[:200]],
                        "can_add": True, "form_values": request.POST, "search": "",
                        "form_error": error})
        return TemplateResponse(request, "links/list.html", context, status=error.status)
    messages.success(request, _("Link added."))
    return redirect("links:list", space_slug=space.slug)


@login_required
@require_POST
def link_delete(request: AuthedRequest, space_slug: str, link_id: int) -> HttpResponse:
    space = access_space_module(request.user, space_slug, "links", Access.READ)
    link = queries.access_link(request.user, link_id)
    if link.space_id != space.pk:
        link = queries.access_link(request.user, -1)
    try:
        actions.do_delete_link(request.user, link)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("links:list", space_slug=space.slug)
    messages.success(request, _("Link deleted."))
    return redirect("links:list", space_slug=space.slug)
