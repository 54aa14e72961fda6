"""The space admins' side: the queue of reports, and who confirmed an announcement."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_space_module
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Access
from atrium.modules.feed import actions, queries
from atrium.modules.feed.views.common import MODULE, failed, feed_view
from atrium.modules.feed.views.posts import post_in
from atrium.modules.feed.views.present import post_view
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest


@feed_view
def reports(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, MODULE, Access.READ)
    if not abilities(request.user, space).get("manage"):
        raise NotFound("reports")
    context = space_context(request, space, active=MODULE)
    context["reports"] = queries.reports_open(request.user, space)
    return TemplateResponse(request, "feed/reports.html", context)


@feed_view
@require_POST
def resolve(request: AuthedRequest, space_slug: str, report_id: int) -> HttpResponse:
    space = access_space_module(request.user, space_slug, MODULE, Access.READ)
    if not abilities(request.user, space).get("manage"):
        raise NotFound("reports")
    back = reverse("feed:reports", kwargs={"space_slug": space.slug})
    report = queries.access_report(request.user, report_id)
    if report.post.space_id != space.pk:
        raise NotFound("report")
    try:
        actions.do_resolve_report(request.user, report,
                                  resolution=request.POST.get("resolution", ""))
    except ActionError as error:
        return failed(request, error, back)
    messages.success(request, _("Report resolved."))
    return redirect(back)


@feed_view
def confirmations(request: AuthedRequest, space_slug: str, post_id: int) -> HttpResponse:
    """Who confirmed an announcement and who has not yet: its author and the space admins."""
    post = post_in(request, space_slug, post_id)
    view = post_view(request.user, post)
    if not view.can.get("see_confirmations"):
        raise NotFound("post")
    confirmed, pending = queries.confirmation_status(request.user, post)
    context = space_context(request, post.space, active=MODULE)
    context.update({"item": view, "post": post, "confirmed": confirmed, "pending": pending})
    return TemplateResponse(request, "feed/confirmations.html", context)
