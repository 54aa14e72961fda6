"""The person's personal API tokens: created, listed and revoked in the profile."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from atrium.kernel.access import access_own_token
from atrium.kernel.actions.tokens import TOKEN_PREFIX, do_create_token, do_revoke_token
from atrium.kernel.errors import ActionError
from atrium.kernel.models import ApiToken
from atrium.web.views.manage import AuthedRequest

# The secret of a new token waits here between the POST and the redirected GET; reading it
# removes it, so it is shown exactly once.
SHOW_ONCE_KEY = "atrium_tokens_show_once"


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=80,
        help_text=gettext_lazy("What the token is for, for example: “backup script”."),
        widget=forms.TextInput(attrs={"aria-describedby": "id_name_help"}))
    expires = forms.DateField(
        label=gettext_lazy("Expires on (optional)"), required=False,
        help_text=gettext_lazy("The token stops working at the end of this day. Empty: "
                               "it works until you revoke it."),
        widget=forms.DateInput(attrs={"type": "date", "aria-describedby": "id_expires_help"},
                               format="%Y-%m-%d"))


def token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return "expired"
    return "active"


def _page(request: AuthedRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:200]
    return TemplateResponse(request, "web/profile_tokens.html", {
        "form": form,
        "tokens": [(token, token_state(token)) for token in tokens],
        "new_secret": (request.session.pop(SHOW_ONCE_KEY, None)
                       if request.method == "GET" else None),
        "token_prefix": TOKEN_PREFIX,
        "api_url": settings.SITE_URL + "/api/v1/",
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    day = form.cleaned_data["expires"]
    expires_at = timezone.make_aware(datetime.combine(day, time.max)) if day else None
    try:
        token, secret = do_create_token(request.user, form.cleaned_data["name"], expires_at,
                                        request=request)
    except ActionError as error:
        field = {"name": "name", "expires_at": "expires"}.get(error.field or "")
        form.add_error(field, error.message)
        return _page(request, form, status=error.status)
    request.session[SHOW_ONCE_KEY] = {"secret": secret, "name": token.name}
    messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
    return redirect("profile_tokens")


@login_required
@require_POST
def revoke_token(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = access_own_token(request.user, token_id)
    try:
        do_revoke_token(request.user, token, request=request)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked: it no longer works.")
                         % {"name": token.name})
    return redirect("profile_tokens")
