from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from atrium.kernel import registry
from atrium.web.types import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Welcome, my spaces, and what is new across the modules (the content contract)."""
    activity: list[tuple[Any, Any, Any]] = []
    for manifest, kind in registry.content_kinds():
        from atrium.kernel import modules as module_state

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
