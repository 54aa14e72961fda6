"""Helpers shared by the shell's views and module views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from atrium.kernel import modules as module_state
from atrium.kernel.abilities import abilities, has_access, module_access
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Access, Space


def space_nav(request: HttpRequest, space: Space) -> list[dict[str, Any]]:
    """The modules of a space the person may read, as navigation entries."""
    entries = []
    for manifest, setting in module_state.space_modules(space):
        if not setting.enabled:
            continue
        if not has_access(module_access(request.user, space, manifest.id), Access.READ):
            continue
        for nav in manifest.nav:
            try:
                url = reverse(nav.url_name, kwargs={"space_slug": space.slug})
            except NoReverseMatch:
                continue
            entries.append({"id": manifest.id, "label": nav.label, "url": url,
                            "icon": manifest.icon})
    return entries


def space_context(request: HttpRequest, space: Space, active: str = "home") -> dict[str, Any]:
    return {"space": space, "space_can": abilities(request.user, space),
            "space_nav": space_nav(request, space), "active_module": active}


def run_action(request: HttpRequest, action: Any, success: str, redirect_to: str, /,
               *args: Any, **kwargs: Any) -> HttpResponse:
    """Call an action; show its clear message on failure; redirect either way (POST/redirect)."""
    try:
        action(*args, **kwargs)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        if success:
            messages.success(request, success)
    return redirect(redirect_to)


def json_error(error: ActionError) -> JsonResponse:
    """An action's refusal for a page's script: the API's error shape, with its status."""
    return JsonResponse({"error": {"code": error.code, "message": error.message,
                                   "field": error.field}}, status=error.status)
