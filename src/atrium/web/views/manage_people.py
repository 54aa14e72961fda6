"""Admin area: the list of people, and one person's role and account state."""

from __future__ import annotations

from typing import Any

from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_person
from atrium.kernel.actions.people import do_change_role, do_deactivate_user, do_reactivate_user
from atrium.kernel.errors import ActionError
from atrium.kernel.models import (
    ApiToken,
    AuditEntry,
    Organisation,
    OrgRole,
    SpaceMembership,
    User,
)
from atrium.web.views.manage import AuthedRequest, admin_view
from atrium.web.views.manage_forms import PeopleFilterForm

PAGE_SIZE = 50


def filter_people(viewer: User, data: dict[str, Any]) -> Any:
    people = User.objects.restrict(viewer, "manage").search(data.get("q") or "")
    if data.get("role"):
        people = people.filter(role=data["role"])
    if data.get("state") == "active":
        people = people.filter(is_active=True)
    elif data.get("state") == "deactivated":
        people = people.filter(is_active=False)
    return people.order_by("full_name", "email")


@admin_view("manage_people", ("GET", "HEAD"))
def people_list(request: AuthedRequest, org: Organisation) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound else {}
    page = Paginator(filter_people(request.user, data), PAGE_SIZE).get_page(
        request.GET.get("page"))
    template = ("web/manage/_people_table.html" if request.htmx
                else "web/manage/people.html")
    return TemplateResponse(request, template, {
        "section": "people", "form": form, "page": page,
        "filtered": any(data.values()),
    }, status=200 if valid else 400)


def _person_context(request: AuthedRequest, person: User) -> dict[str, Any]:
    now = timezone.now()
    roles = [(value, label) for value, label in OrgRole.choices
             if value != OrgRole.OWNER or request.user.is_owner or person.role == value]
    return {
        "section": "people",
        "person": person,
        "person_can": abilities(request.user, person),
        "itself": person.pk == request.user.pk,
        "roles": roles,
        "memberships": SpaceMembership.objects.filter(
            user=person, space__personal_owner__isnull=True).select_related("space")
        .order_by("space__name"),
        "active_tokens": ApiToken.objects.filter(user=person, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).count(),
        "sessions": UserSession.objects.filter(user=person).count(),
        "history": AuditEntry.objects.filter(
            Q(target_type="user", target_id=str(person.pk)) | Q(actor=person)
            | Q(data__user=person.pk))[:10],
    }


@admin_view("manage_people")
def person_detail(request: AuthedRequest, org: Organisation, user_id: int) -> HttpResponse:
    person = access_person(request.user, user_id)
    if request.method == "POST":
        action = request.POST.get("action") or ("role" if "role" in request.POST else "")
        try:
            success = _apply(request, person, action)
        except ActionError as error:
            messages.error(request, error.message)
            person.refresh_from_db()
            return TemplateResponse(request, "web/manage/person.html",
                                    _person_context(request, person), status=error.status)
        messages.success(request, success)
        if person.pk == request.user.pk and not person.is_org_admin:
            return redirect("home")  # stepped down: this area is no longer theirs
        return redirect("manage_person", user_id=person.pk)
    return TemplateResponse(request, "web/manage/person.html", _person_context(request, person))


def _apply(request: AuthedRequest, person: User, action: str) -> str:
    name = person.display_name
    if action == "role":
        role = request.POST.get("role", "")
        do_change_role(request.user, person, role, request=request)
        return _("%(name)s is now %(role)s.") % {"name": name,
                                                 "role": OrgRole(role).label.lower()}
    if action == "deactivate":
        do_deactivate_user(request.user, person, request=request)
        return _("%(name)s is deactivated: signed out everywhere, API tokens revoked.") % {
            "name": name}
    if action == "reactivate":
        do_reactivate_user(request.user, person, request=request)
        return _("%(name)s can sign in again.") % {"name": name}
    raise ActionError(_("Unknown action."), field="action")
