"""Admin area: inviting members, admins and guests, and following the invitations sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from atrium.kernel.access import access_invitation
from atrium.kernel.actions.invitations import do_invite, do_revoke_invitation
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Invitation, Organisation, Space
from atrium.web.views.manage import AuthedRequest, admin_view
from atrium.web.views.manage_forms import InvitationForm

# The link of a new invitation waits here between the POST and the redirected GET, and is
# shown exactly once: reading it removes it.
LINK_KEY = "atrium_manage_invitation_link"
STATES = {
    "pending": lambda qs, now: qs.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                         expires_at__gt=now),
    "accepted": lambda qs, now: qs.filter(accepted_at__isnull=False),
    "expired": lambda qs, now: qs.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                         expires_at__lte=now),
    "revoked": lambda qs, now: qs.filter(accepted_at__isnull=True, revoked_at__isnull=False),
}


def _invitable_spaces(request: AuthedRequest) -> list[Space]:
    return list(Space.objects.restrict(request.user, "manage")
                .filter(personal_owner__isnull=True, archived_at__isnull=True).order_by("name"))


def _page(request: AuthedRequest, form: InvitationForm, status: int = 200) -> HttpResponse:
    state = request.GET.get("state", "")
    invitations = Invitation.objects.select_related("invited_by", "accepted_by") \
        .prefetch_related("spaces__space")
    if state in STATES:
        invitations = STATES[state](invitations, timezone.now())
    else:
        state = ""
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "web/manage/invitations.html", {
        "section": "invitations", "form": form, "page": page, "state": state,
        "states": [("", pgettext("invitations", "All")),
                   ("pending", pgettext("invitations", "Pending")),
                   ("accepted", pgettext("invitations", "Accepted")),
                   ("expired", pgettext("invitations", "Expired")),
                   ("revoked", pgettext("invitations", "Revoked"))],
        "new_link": request.session.pop(LINK_KEY, None) if request.method == "GET" else None,
    }, status=status)


@admin_view("invite")
def invitations(request: AuthedRequest, org: Organisation) -> HttpResponse:
    spaces = _invitable_spaces(request)
    if request.method != "POST":
        return _page(request, InvitationForm(spaces=spaces))
    form = InvitationForm(request.POST, spaces=spaces)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        invitation, url = do_invite(request.user, email=data["email"], role=data["role"],
                                    spaces=data["space_roles"], message=data["message"],
                                    request=request)
    except ActionError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, form, status=error.status)
    request.session[LINK_KEY] = {"url": url, "email": invitation.email}
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("manage_invitations")


@admin_view("invite", ("POST",))
def revoke(request: AuthedRequest, org: Organisation, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, invitation_id)
    try:
        do_revoke_invitation(request.user, invitation, request=request)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation to %(email)s is revoked; its link no "
                                    "longer works.") % {"email": invitation.email})
    return redirect("manage_invitations")
