"""The first-run page: create the organisation and its owner, guarded by a one-time token
that `atrium serve` prints, so nobody else reaching the server first can claim it."""

from __future__ import annotations

import hmac
import logging
import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from atrium.kernel.actions.setup import do_create_organisation
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Organisation

log = logging.getLogger("atrium")


def token_file() -> Path:
    return settings.DATA_DIR / "setup-token"


def setup_token(announce: bool = True) -> str:
    """The one-time token, created when first needed."""
    path = token_file()
    if not path.exists():
        path.write_text(secrets.token_urlsafe(16))
        path.chmod(0o600)
        if announce:
            log.warning("First start: open %s/setup/?token=%s", settings.SITE_URL,
                        path.read_text().strip())
    return path.read_text().strip()


class SetupForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    org_name = forms.CharField(label=_("Name of your organisation"), max_length=120)
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"))
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput,
                               help_text=_("At least 10 characters."))


def setup(request: HttpRequest) -> HttpResponse:
    if Organisation.objects.exists():
        return redirect("home")
    expected = setup_token()
    given = request.POST.get("token") or request.GET.get("token", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return TemplateResponse(request, "web/setup_token.html", {}, status=403 if given else 200)
    form = SetupForm(request.POST or None, initial={"token": given})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _org, owner = do_create_organisation(
                name=data["org_name"], owner_email=data["email"], owner_name=data["full_name"],
                password=data["password"], language=(get_language() or "")[:2],
            )
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            token_file().unlink(missing_ok=True)
            login(request, owner, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect("/?welcome=1")
    return TemplateResponse(request, "web/setup.html", {"form": form},
                            status=400 if form.errors else 200)
