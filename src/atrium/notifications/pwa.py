"""Installable web app and push pages: the manifest, the service worker at the root, and the
profile page "Notifications on this device".

The service worker only shows pushed notifications and opens them; it caches nothing, so no
private page is ever kept on a device.
"""

from __future__ import annotations

import functools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atrium.kernel.errors import NotFound
from atrium.kernel.models import Organisation
from atrium.notifications import push, push_subscriptions, vapid
from atrium.web.types import AuthedRequest

THEME_COLOR = "#1d4ed8"        # --accent of atrium.css
BACKGROUND_COLOR = "#ffffff"


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the request's language (browsers fetch it without cookies)."""
    org = Organisation.current()
    if org is not None:
        name = _("%(organisation)s workplace") % {"organisation": org.name}
        short_name = org.name if len(org.name) <= 12 else "Atrium"
    else:
        name, short_name = _("Atrium workplace"), "Atrium"
    icon = "notifications/icon-%s.png"
    body = {
        "id": "/",
        "name": name,
        "short_name": short_name,
        "description": _("Spaces, conversations, files and news of your organisation."),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(icon % "192"), "sizes": "192x192", "type": "image/png",
             "purpose": "any"},
            {"src": static(icon % "512"), "sizes": "512x512", "type": "image/png",
             "purpose": "any"},
            {"src": static(icon % "maskable-512"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json",
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    response["Vary"] = "Accept-Language, Cookie"
    return response


@functools.lru_cache(maxsize=1)
def _worker_source() -> str:
    path = finders.find("notifications/sw.js")
    if not path:
        raise FileNotFoundError("notifications/sw.js")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the root so that it may control every page."""
    config = {"icon": static("notifications/icon-192.png"),
              "badge": static("notifications/badge-96.png")}
    source = _worker_source().replace("/*ATRIUM_CONFIG*/{}",
                                      json.dumps(config, separators=(",", ":")))
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def push_settings(request: AuthedRequest) -> HttpResponse:
    """Notifications on this device: enable, disable, my devices, a test message."""
    return TemplateResponse(request, "notifications/push_settings.html", {
        "devices": push_subscriptions.my_subscriptions(request.user),
        "public_key": vapid.public_key(),
        "max_devices": push_subscriptions.MAX_DEVICES,
    })


@login_required
@require_POST
def push_remove(request: AuthedRequest, subscription_id: int) -> HttpResponse:
    """Forget one of my devices (it receives nothing more until enabled again)."""
    try:
        sub = push_subscriptions.access_subscription(request.user, subscription_id)
    except NotFound:
        messages.error(request, _("This device is no longer in your list."))
        return redirect("push_settings")
    push_subscriptions.do_unsubscribe(request.user, sub)
    messages.success(request, _("The device will receive no more notifications."))
    return redirect("push_settings")


@login_required
@require_POST
def push_test(request: AuthedRequest) -> HttpResponse:
    """Send myself a test notification on each of my devices."""
    sent = push.send_test(request.user)
    if sent:
        messages.success(request, _("A test notification was sent to %(count)d device(s).")
                         % {"count": sent})
    else:
        messages.error(request, _("No device accepted the test notification. Enable "
                                  "notifications on this device first."))
    return redirect("push_settings")
