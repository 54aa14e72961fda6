from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from atrium.kernel.abilities import abilities
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Organisation


def require_org_admin(request: HttpRequest, ability: str = "manage_people") -> Organisation:
    org = Organisation.current()
    if org is None or not abilities(request.user, org)[ability]:
        raise NotFound("manage")
    return org


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    org = require_org_admin(request)
    return TemplateResponse(request, "web/manage/overview.html", {"organisation": org})
