from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel import modules as module_state
from atrium.kernel.abilities import abilities
from atrium.kernel.access import access_space
from atrium.kernel.actions import modules as module_actions
from atrium.kernel.actions import spaces as actions
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import (
    JoinRequest,
    Organisation,
    Space,
    SpaceMembership,
    SpaceRole,
    User,
)
from atrium.web.forms import AddMemberForm, SpaceForm
from atrium.web.shortcuts import run_action, space_context
from atrium.web.types import AuthedRequest


@login_required
def space_list(request: AuthedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    spaces = (Space.objects.restrict(request.user, "see")
              .filter(personal_owner__isnull=True, archived_at__isnull=True)
              .annotate(member_count=Count("memberships", distinct=True)))
    if search:
        spaces = spaces.filter(Q(name__icontains=search) | Q(description__icontains=search))
    mine = set(SpaceMembership.objects.filter(user=request.user)
               .values_list("space_id", flat=True))
    return TemplateResponse(request, "web/spaces/list.html", {
        "spaces": [(s, s.pk in mine) for s in spaces.order_by("name")[:300]],
        "search": search,
    })


@login_required
def space_create(request: AuthedRequest) -> HttpResponse:
    org = Organisation.current()
    if org is None or not abilities(request.user, org)["create_space"]:
        raise NotFound("spaces")
    form = SpaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            space = actions.do_create_space(request.user, request=request, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Space created."))
            return redirect("space", space_slug=space.slug)
    return TemplateResponse(request, "web/spaces/create.html", {"form": form},
                            status=400 if form.errors else 200)


@login_required
def space_home(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space(request.user, space_slug, "see")
    context = space_context(request, space)
    can = context["space_can"]
    context["members"] = (User.objects.filter(space_memberships__space=space)
                          .order_by("full_name")[:12]) if can["read"] else []
    context["member_count"] = space.memberships.count()
    return TemplateResponse(request, "web/spaces/home.html", context)


@login_required
def space_members(request: AuthedRequest, space_slug: str) -> HttpResponse:
    """Members are listed to those who read the space and to those who manage it (an
    organisation admin governs a private space without reading its content)."""
    space = access_space(request.user, space_slug, "see")
    context = space_context(request, space, active="members")
    if not (context["space_can"]["read"] or context["space_can"]["manage"]):
        raise NotFound("space")
    memberships = (SpaceMembership.objects.filter(space=space).select_related("user")
                   .order_by("user__full_name"))
    context.update({
        "memberships": memberships,
        "roles": SpaceRole.choices,
        "add_form": AddMemberForm(),
        "requests": JoinRequest.objects.filter(space=space, status="pending")
        .select_related("user") if context["space_can"]["manage"] else [],
    })
    return TemplateResponse(request, "web/spaces/members.html", context)


def _person_by_email(email: str) -> User:
    person = User.objects.filter(email__iexact=(email or "").strip()).first()
    if person is None:
        raise ActionError(_("Nobody in the organisation has this address; invite them first."),
                          field="email")
    return person


@login_required
@require_POST
def space_add_member(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space(request.user, space_slug, "read")
    target = f"/s/{space.slug}/members/"
    try:
        person = _person_by_email(request.POST.get("email", ""))
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(target)
    return run_action(request, actions.do_add_member, _("%(name)s added.")
                      % {"name": person.display_name}, target, request.user, space, person,
                      request.POST.get("role", SpaceRole.MEMBER), request=request)


def _member(space: Space, user_id: str) -> User:
    membership = SpaceMembership.objects.filter(space=space, user_id=_int(user_id)) \
        .select_related("user").first()
    if membership is None:
        raise NotFound("member")
    return membership.user


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("id") from None


@login_required
@require_POST
def space_member_role(request: AuthedRequest, space_slug: str, user_id: int) -> HttpResponse:
    space = access_space(request.user, space_slug, "read")
    person = _member(space, str(user_id))
    return run_action(request, actions.do_change_member_role, _("Role changed."),
                      f"/s/{space.slug}/members/", request.user, space, person,
                      request.POST.get("role", ""), request=request)


@login_required
@require_POST
def space_member_remove(request: AuthedRequest, space_slug: str, user_id: int) -> HttpResponse:
    space = access_space(request.user, space_slug, "read")
    person = _member(space, str(user_id))
    return run_action(request, actions.do_remove_member, _("Member removed."),
                      f"/s/{space.slug}/members/", request.user, space, person, request=request)


@login_required
@require_POST
def space_join(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space(request.user, space_slug, "see")
    return run_action(request, actions.do_join_space, _("Welcome to %(space)s.")
                      % {"space": space.name}, f"/s/{space.slug}/", request.user, space)


@login_required
@require_POST
def space_request(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space(request.user, space_slug, "see")
    return run_action(request, actions.do_request_join,
                      _("Your request was sent to the space's admins."), f"/s/{space.slug}/",
                      request.user, space, request.POST.get("message", ""))


@login_required
@require_POST
def space_leave(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space(request.user, space_slug, "see")
    try:
        actions.do_remove_member(request.user, space, request.user, request=request)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("space", space_slug=space.slug)
    messages.success(request, _("You left %(space)s.") % {"space": space.name})
    return redirect("spaces")


@login_required
@require_POST
def space_decide(request: AuthedRequest, space_slug: str, request_id: int) -> HttpResponse:
    space = access_space(request.user, space_slug, "manage")
    join_request = JoinRequest.objects.filter(space=space, pk=request_id).first()
    if join_request is None:
        raise NotFound("request")
    approve = request.POST.get("decision") == "approve"
    return run_action(request, actions.do_decide_request,
                      _("Request approved.") if approve else _("Request declined."),
                      f"/s/{space.slug}/members/", request.user, join_request, approve,
                      request=request)


@login_required
def space_settings(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space(request.user, space_slug, "manage")
    initial = {"name": space.name, "description": space.description,
               "visibility": space.visibility}
    form = SpaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_space(request.user, space, request=request, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Space updated."))
            return redirect("space_settings", space_slug=space.slug)
    context = space_context(request, space, active="settings")
    context.update({"form": form, "modules": module_state.space_modules(space),
                    "access_choices": [("none", _("No access")), ("read", _("Read")),
                                       ("write", _("Write"))]})
    return TemplateResponse(request, "web/spaces/settings.html", context,
                            status=400 if form.errors else 200)


@login_required
@require_POST
def space_module(request: AuthedRequest, space_slug: str, module_id: str) -> HttpResponse:
    space = access_space(request.user, space_slug, "manage")
    post = request.POST
    return run_action(
        request, module_actions.do_configure_space_module, _("Module settings saved."),
        f"/s/{space.slug}/settings/#modules", request.user, space, module_id,
        enabled=post.get("enabled") == "on",
        member_access=post.get("member_access") or None,
        reader_access=post.get("reader_access") or None, request=request,
    )


def space_abilities_for_template(request: HttpRequest, space: Space) -> dict[str, bool]:
    return abilities(request.user, space)
