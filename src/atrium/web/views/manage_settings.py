"""Admin area: the modules of the instance, and the organisation's security settings."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from atrium.kernel import modules as module_state
from atrium.kernel import registry
from atrium.kernel.actions.modules import do_switch_instance_module
from atrium.kernel.actions.organisation import do_update_organisation
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import MfaPolicy, Organisation, OrgRole, SpaceModule, User
from atrium.web.views.manage import AuthedRequest, admin_view, people_without_mfa
from atrium.web.views.manage_forms import SecurityForm

TRUE = {"1", "on", "true", "yes"}


@admin_view("manage_modules", ("GET", "HEAD"))
def modules(request: AuthedRequest, org: Organisation) -> HttpResponse:
    states = module_state.instance_states()
    switched_off = dict(SpaceModule.objects.filter(enabled=False).order_by()
                        .values("module_id").annotate(n=Count("id"))
                        .values_list("module_id", "n"))
    return TemplateResponse(request, "web/manage/modules.html", {
        "section": "modules",
        "modules": [{"manifest": m, "enabled": states[m.id],
                     "spaces_off": switched_off.get(m.id, 0)}
                    for m in registry.all_modules()],
    })


@admin_view("manage_modules", ("POST",))
def module_switch(request: AuthedRequest, org: Organisation, module_id: str) -> HttpResponse:
    manifest = registry.get(module_id)
    if manifest is None:
        raise NotFound("module")
    enabled = request.POST.get("enabled", "").strip().lower() in TRUE
    try:
        do_switch_instance_module(request.user, module_id, enabled, request=request)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, (_("%(module)s is switched on.") if enabled
                                   else _("%(module)s is switched off everywhere."))
                         % {"module": manifest.name})
    return redirect("manage_modules")


@admin_view("manage_security")
def security(request: AuthedRequest, org: Organisation) -> HttpResponse:
    initial = {"name": org.name, "signup_open": org.signup_open,
               "signup_domains": org.signup_domains, "mfa_policy": org.mfa_policy}
    form = SecurityForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                do_update_organisation(request.user, org, request=request, **form.cleaned_data)
            except ActionError as error:
                form.add_error(error.field if error.field in form.fields else None,
                               error.message)
                status = error.status
            else:
                messages.success(request, _("Settings saved."))
                return redirect("manage_security")
        else:
            status = 400
    active = User.objects.filter(is_active=True)
    return TemplateResponse(request, "web/manage/security.html", {
        "section": "security", "form": form, "organisation": org,
        "without_mfa": people_without_mfa(active),
        "admins_without_mfa": people_without_mfa(
            active.filter(Q(role=OrgRole.OWNER) | Q(role=OrgRole.ADMIN))),
        "policy_labels": dict(MfaPolicy.choices),
    }, status=status)
