"""/manage/drive/: for the organisation's admins, what the single copy of every file saves
(logical size, stored size, space saved) and the quotas of spaces and people."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Organisation, Space, User
from atrium.modules.drive import actions, queries
from atrium.modules.drive.models import DriveQuota
from atrium.modules.drive.views.common import int_or_none, module_on
from atrium.web.views.manage import admin_view

MB = 1_000_000
MAX_SPACES = 500


def quota_bytes(raw: str) -> int | None:
    """Megabytes typed by the admin (decimals allowed) → bytes; blank → unlimited."""
    if not raw.strip():
        return None
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > 10**12:
        raise ActionError(_("Enter a quota in megabytes (0 or more), or leave it blank for "
                            "no limit."), field="quota")
    return int(value * MB)


@admin_view()
def drive_admin(request: HttpRequest, org: Organisation) -> HttpResponse:
    module_on()
    if request.method == "POST":
        return _set_quota(request)
    figures = queries.dedup_figures()
    quotas = dict(DriveQuota.objects.filter(space_id__in=[d.space_id for d in figures.drives])
                  .values_list("space_id", "quota_bytes"))
    return TemplateResponse(request, "drive/manage.html", {
        "organisation": org, "section": "drive", "figures": figures,
        "drives": [(drive, quotas.get(drive.space_id)) for drive in figures.drives],
        "spaces": Space.objects.filter(personal_owner__isnull=True)
        .order_by("name")[:MAX_SPACES],
    })


def _set_quota(request: HttpRequest) -> HttpResponse:
    target: Space | User | None = None
    email = request.POST.get("email", "").strip()
    space_id = int_or_none(request.POST.get("space"))
    if email:
        target = User.objects.filter(email__iexact=email, is_active=True).first()
    elif space_id is not None:
        target = Space.objects.filter(pk=space_id).first()
    try:
        if target is None:
            raise ActionError(_("Choose a space, or enter the e-mail address of a person."),
                              field="space")
        amount = quota_bytes(request.POST.get("quota", ""))
        actions.do_set_quota(request.user, target, amount)
    except NotFound:
        messages.error(request, _("This person has no drive."))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Quota saved for %(name)s.") % {
            "name": target.display_name if isinstance(target, User) else target.name})
    return redirect("manage_drive")
