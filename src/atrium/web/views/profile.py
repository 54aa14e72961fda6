from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from atrium.kernel.actions.people import PROFILE_FIELDS, do_set_photo, do_update_profile
from atrium.kernel.blobstore import UploadTooLarge
from atrium.kernel.errors import ActionError
from atrium.kernel.models import User
from atrium.kernel.uploads import upload_limit, upload_refused
from atrium.web.types import AuthedRequest


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


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
