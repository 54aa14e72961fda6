from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string

from atrium.kernel import modules as module_state
from atrium.kernel import registry
from atrium.web.types import AuthedRequest


def home_module_view(request: HttpRequest) -> Any:
    """The view of the first module on for the instance that draws the home page, or None."""
    for manifest in registry.all_modules():
        if manifest.home and module_state.enabled_for_instance(manifest.id):
            return import_string(manifest.home)
    return None


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The organisation's home: a module's page (the feed) when one provides it and is on;
    otherwise welcome, my spaces, and what is new across the modules (the content contract)."""
    view = home_module_view(request)
    if view is not None:
        response: HttpResponse = view(request)
        return response
    activity: list[tuple[Any, Any, Any]] = []
    for manifest, kind in registry.content_kinds():
        if not module_state.enabled_for_instance(manifest.id):
            continue
        activity.extend((manifest, kind, item) for item in kind.recent(request.user, 10))
    activity.sort(key=lambda entry: entry[2].created_at, reverse=True)
    return TemplateResponse(request, "web/home.html", {
        "activity": activity[:15],
        "welcome": request.GET.get("welcome") == "1",
    })


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
