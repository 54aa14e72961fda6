"""My bookmarks (/links/): what I saved in every space I may still read, and a form that
saves into my personal space."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel import modules as module_state
from atrium.kernel.accounts import ensure_personal_space
from atrium.kernel.errors import ActionError
from atrium.modules.links import actions, queries
from atrium.modules.links.views import PAGE, cards, filters, posted
from atrium.web.types import AuthedRequest


def links_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A signed-in page of the links module: 404 while it is off for the instance."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not module_state.enabled_for_instance("links"):
            raise Http404("module")
        return view(request, *args, **kwargs)

    return cast(Callable[..., HttpResponseBase], login_required(wrapper))


def mine_context(request: AuthedRequest, **extra: Any) -> dict[str, Any]:
    chosen = filters(request)
    links = list(queries.my_links(request.user, chosen["q"], tag=chosen["tag"])[:PAGE])
    personal = ensure_personal_space(request.user)
    context = {"links": cards(request.user, links), "filters": chosen, "search": chosen["q"],
               "tags": queries.tags_of(queries.my_links(request.user)),
               "can_add": module_state.enabled_in_space(personal, "links"),
               "form_values": {}, "show_space": True, "mine": True}
    context.update(extra)
    return context


@links_view
def my_bookmarks(request: AuthedRequest) -> HttpResponse:
    template = "links/_list.html" if request.htmx and request.htmx.target == "link-list" \
        else "links/mine.html"
    return TemplateResponse(request, template, mine_context(request))


@links_view
@require_POST
def add_bookmark(request: AuthedRequest) -> HttpResponse:
    personal = ensure_personal_space(request.user)
    try:
        actions.do_add_link(request.user, personal, **posted(request))
    except ActionError as error:
        messages.error(request, error.message)
        context = mine_context(request, form_values=request.POST, form_error=error)
        return TemplateResponse(request, "links/mine.html", context, status=error.status)
    messages.success(request, _("Saved in your bookmarks."))
    return redirect("links_root:mine")
