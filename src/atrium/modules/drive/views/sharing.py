"""Share links from the signed-in pages: create (optional password and expiry) and revoke.
The token is shown once, on the next page, then only its hash remains."""

from __future__ import annotations

from datetime import datetime, time

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel.errors import ActionError, NotFound
from atrium.modules.drive import actions, queries
from atrium.modules.drive.views.common import (
    done,
    drive_view,
    failed,
    int_or_none,
    node_of,
    node_url,
)
from atrium.web.types import AuthedRequest


def expiry_of(raw: str) -> datetime | None:
    """The end of the chosen day (YYYY-MM-DD) in the person's time zone; None when blank."""
    if not raw.strip():
        return None
    day = parse_date(raw.strip()) if len(raw) <= 10 else None
    if day is None:
        raise ActionError(_("Enter the expiry date as a date, for example 2030-12-31."),
                          field="expires")
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@drive_view
@require_POST
def create_link(request: AuthedRequest, space_slug: str, node_id: int) -> HttpResponse:
    node = node_of(request.user, space_slug, node_id)
    back = node_url(node)
    try:
        expires = expiry_of(request.POST.get("expires", ""))
        _link, token = actions.do_create_share_link(
            request.user, node, password=request.POST.get("password") or None,
            expires_at=expires)
    except ActionError as error:
        return failed(request, error, back)
    url = request.build_absolute_uri(reverse("drive_root:share", kwargs={"token": token}))
    request.session[f"drive_link_{node.pk}"] = url
    return done(request, _("Share link created. Copy it now: it is shown only once."), back,
                url=url)


@drive_view
@require_POST
def revoke_link(request: AuthedRequest, space_slug: str, link_id: int) -> HttpResponse:
    link_pk = int_or_none(link_id)
    if link_pk is None:
        raise NotFound("share link")
    link = queries.access_share_link(request.user, link_pk)
    node = node_of(request.user, space_slug, link.node_id)
    try:
        actions.do_revoke_share_link(request.user, link)
    except ActionError as error:
        return failed(request, error, node_url(node))
    return done(request, _("The share link was revoked."), node_url(node))
