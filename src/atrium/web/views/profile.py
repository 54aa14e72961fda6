from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from atrium.kernel.actions.people import (
    MAX_SKILL_LENGTH,
    MAX_SKILLS,
    PROFILE_FIELDS,
    do_set_photo,
    do_update_profile,
)
from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.errors import ActionError
from atrium.kernel.models import OrgRole, User
from atrium.kernel.uploads import upload_limit, upload_refused
from atrium.web.types import AuthedRequest

# Up to this many possible managers the form offers a list; beyond, an e-mail address.
MANAGER_CHOICES_MAX = 300


class ProfileForm(forms.ModelForm):
    """The profile; `manager` is a list of the organisation's active members, or an e-mail
    address in large organisations. The action checks the rules (no guest, no loop)."""

    manager = forms.CharField(label=_lazy("Manager"), required=False, max_length=254)

    class Meta:
        model = User
        fields = [name for name in PROFILE_FIELDS if name != "manager"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].help_text = _(
            "Separated by commas: at most %(count)d skills of at most %(length)d characters "
            "each, for example: triage, Python, budgeting.") % {
            "count": MAX_SKILLS, "length": MAX_SKILL_LENGTH}
        person = self.instance
        candidates = list(User.objects.filter(is_active=True, is_bot=False)
                          .exclude(role=OrgRole.GUEST).exclude(pk=person.pk)
                          .order_by("full_name", "pk")
                          .values_list("pk", "full_name", "job_title")[:MANAGER_CHOICES_MAX + 1])
        field = self.fields["manager"]
        if len(candidates) <= MANAGER_CHOICES_MAX:
            choices = [(str(pk), f"{name} ({job})" if job else name)
                       for pk, name, job in candidates]
            current = person.manager if person.manager_id else None
            if current is not None and current.pk not in {pk for pk, _n, _j in candidates}:
                # Kept while unchanged even if they have left since.
                choices.insert(0, (str(current.pk), current.display_name))
            field.widget = forms.Select(choices=[("", _lazy("Nobody")), *choices])
            field.initial = str(person.manager_id or "")
            field.help_text = _lazy("The person you report to.")
        else:
            field.widget = forms.EmailInput()
            field.initial = person.manager.email if person.manager_id else ""
            field.help_text = _lazy("The e-mail address of the person you report to; "
                                    "leave it empty for nobody.")

    def clean_manager(self) -> int | None:
        value = (self.cleaned_data.get("manager") or "").strip()
        if not value:
            return None
        if value.isdigit():
            return int(value)
        pk = User.objects.filter(email__iexact=value).values_list("pk", flat=True).first()
        if pk is None:
            raise forms.ValidationError(_("Nobody in the organisation has this address."))
        return pk


@login_required
def edit_profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and request.POST.get("form") == "photo":
        return _upload_photo(request)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_profile(user, user, {k: form.cleaned_data[k] for k in PROFILE_FIELDS})
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None,
                           error.message)
        else:
            messages.success(request, _("Profile saved."))
            response = redirect("profile")
            language = form.cleaned_data["language"]
            if language:
                response.set_cookie("django_language", language, samesite="Lax")
            return response
    return TemplateResponse(request, "web/profile.html", {"form": form},
                            status=400 if form.errors else 200)


def _upload_photo(request: AuthedRequest) -> HttpResponse:
    user = request.user
    try:
        if upload_refused(request):
            raise UploadTooLarge(_("The file is too large (at most %(limit)s MB).")
                              % {"limit": upload_limit() // (1024 * 1024)},
                              code="too_large", field="photo")
        if "photo" not in request.FILES:
            raise ActionError(_("Choose an image to upload."), field="photo")
        do_set_photo(user, user, request.FILES["photo"])
    except ActionError as error:
        messages.error(request, error.message)
        return TemplateResponse(request, "web/profile.html",
                                {"form": ProfileForm(instance=User.objects.get(pk=user.pk))},
                                status=error.status)
    messages.success(request, _("Photo updated."))
    return redirect("profile")
