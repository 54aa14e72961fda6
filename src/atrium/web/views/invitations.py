"""Accepting an invitation: the invited person chooses a name and a password."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from atrium.kernel.actions.invitations import do_accept_invitation, hash_token
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Invitation


class AcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput,
                               help_text=_("At least 10 characters."))


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_usable:
        return TemplateResponse(request, "web/invitation_invalid.html",
                                {"invitation": invitation}, status=404 if invitation is None
                                else 410)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = do_accept_invitation(token, request=request, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("/?welcome=1")
    return TemplateResponse(request, "web/invitation_accept.html",
                            {"form": form, "invitation": invitation},
                            status=400 if form.errors else 200)
