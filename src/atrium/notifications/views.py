"""Pages of the notification centre: the list, opening one, preferences, unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from atrium.kernel.errors import ActionError
from atrium.kernel.models import Space
from atrium.notifications import actions, queries
from atrium.notifications.dispatch import safe_url
from atrium.notifications.kinds import all_kinds, get_kind
from atrium.notifications.models import EmailMode, Preference
from atrium.notifications.preferences import default_choice, resolve
from atrium.notifications.tokens import read_token
from atrium.web.types import AuthedRequest


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    return redirect(target if safe_url(target) else "notifications:centre")


@login_required
def centre(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = queries.notifications_of(request.user, unread=unread_only,
                                    before=request.GET.get("before"), limit=30)
    for n in page.items:
        kind = get_kind(n.kind)
        n.kind_label = kind.label if kind else n.kind  # type: ignore[attr-defined]
    return TemplateResponse(request, "notifications/centre.html", {
        "page": page, "unread_only": unread_only,
        "unread_total": queries.unread_count(request.user)})


@login_required
def open_notification(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Opening a notification marks it read, then goes to its page (same site only)."""
    notification = queries.access_notification(request.user, notification_id)
    actions.do_mark_read(request.user, notification)
    return redirect(notification.url if safe_url(notification.url) else "notifications:centre")


@login_required
@require_POST
def mark_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    notification = queries.access_notification(request.user, notification_id)
    actions.do_mark_read(request.user, notification)
    if request.htmx:
        return HttpResponse(status=204)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = actions.do_mark_all_read(request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return _back(request)


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) in ("on", "1", "true")


def _email(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name, "")
    if value not in EmailMode.values:
        raise ActionError(_("Choose immediately, daily, weekly or never."), field=name)
    return value


@transaction.atomic
def _save_kinds(request: AuthedRequest) -> None:
    user = request.user
    everything = Preference.objects.filter(user=user, kind="", space=None).first()
    for kind in all_kinds():
        chosen = (_flag(request, f"in_app-{kind.id}"), _email(request, f"email-{kind.id}"),
                  _flag(request, f"push-{kind.id}"))
        base = default_choice(kind) if everything is None else everything
        if chosen == (base.in_app, base.email, base.push):
            actions.do_clear_preference(user, kind=kind.id)
        else:
            actions.do_set_preference(user, kind=kind.id, in_app=chosen[0], email=chosen[1],
                                      push=chosen[2])


def _space(request: AuthedRequest) -> Space:
    raw = request.POST.get("space", "")
    space = Space.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    if space is None:
        raise ActionError(_("Choose a space."), field="space")
    return space


def _apply(request: AuthedRequest) -> str:
    which = request.POST.get("form")
    if which == "kinds":
        _save_kinds(request)
        return _("Preferences saved.")
    if which == "space":
        actions.do_set_preference(request.user, kind="", space=_space(request),
                                  in_app=_flag(request, "in_app"),
                                  email=_email(request, "email"), push=_flag(request, "push"))
        return _("Preferences for the space saved.")
    if which == "clear_all":
        actions.do_clear_preference(request.user, kind="", space=None)
        return _("Each kind follows its own setting again.")
    if which == "clear_space":
        actions.do_clear_preference(request.user, kind="", space=_space(request))
        return _("The space follows your general preferences again.")
    raise ActionError(_("Unknown form."))


@login_required
def preferences(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        try:
            messages.success(request, _apply(request))
        except ActionError as error:
            messages.error(request, error.message)
        return redirect("notifications:preferences")
    rows = [{"kind": kind, "choice": resolve(user.pk, kind.id, None),
             "custom": Preference.objects.filter(user=user, kind=kind.id, space=None).exists()}
            for kind in all_kinds()]
    overrides = list(Preference.objects.filter(user=user, kind="", space__isnull=False)
                     .select_related("space").order_by("space__name"))
    spaces = Space.objects.filter(memberships__user=user, archived_at__isnull=True) \
        .order_by("name")[:200]
    everything = Preference.objects.filter(user=user, kind="", space=None).first()
    return TemplateResponse(request, "notifications/preferences.html", {
        "rows": rows, "overrides": overrides, "spaces": spaces, "everything": everything,
        "email_modes": EmailMode.choices})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page confirming; POST (the mail client's one click, no session): done at once."""
    found = read_token(token)
    if found is None:
        return TemplateResponse(request, "notifications/unsubscribe.html",
                                {"invalid": True}, status=400)
    kind = get_kind(found[1])
    context = {"token": token, "kind": kind, "done": False}
    if request.method == "POST":
        try:
            actions.do_unsubscribe(token)
        except ActionError:
            return TemplateResponse(request, "notifications/unsubscribe.html",
                                    {"invalid": True}, status=400)
        context["done"] = True
    return TemplateResponse(request, "notifications/unsubscribe.html", context)
