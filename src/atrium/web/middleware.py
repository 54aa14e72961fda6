"""The shell's middleware: CSP, the person's language, the first run, required MFA."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from atrium.kernel.models import MfaPolicy, Organisation

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
Handler = Callable[[HttpRequest], HttpResponse]


class ContentSecurityPolicyMiddleware:
    """No inline script anywhere: user text can never run, even if a sanitiser slipped."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy",
                                    "geolocation=(), payment=(), usb=()")
        return response


class UserLanguageMiddleware:
    """A language chosen in the profile wins over the browser's."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


EXEMPT_PREFIXES = ("/static/", "/setup/", "/healthz", "/i18n/")


class FirstRunMiddleware:
    """Until an organisation exists, every page leads to the first-run page."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response
        self.ready = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.ready:
            self.ready = Organisation.objects.exists()
            if not self.ready and not request.path.startswith(EXEMPT_PREFIXES):
                return HttpResponseRedirect(reverse("setup"))
        return self.get_response(request)


MFA_EXEMPT = ("/accounts/", "/static/", "/api/", "/healthz", "/i18n/", "/setup/")


class RequireMfaMiddleware:
    """When the organisation requires two-factor authentication, people without it are sent
    to set it up before anything else."""

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(
            MFA_EXEMPT
        ):
            org = Organisation.current()
            policy = org.mfa_policy if org else MfaPolicy.OPTIONAL
            required = policy == MfaPolicy.EVERYONE or (
                policy == MfaPolicy.ADMINS and user.is_org_admin
            )
            if required:
                from allauth.mfa.utils import is_mfa_enabled

                if not is_mfa_enabled(user):
                    return HttpResponseRedirect(reverse("mfa_index") + "?required=1")
        return self.get_response(request)
