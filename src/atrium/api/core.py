"""The HTTP API at /api/v1: one NinjaAPI object, authentication, and errors that are JSON.

Every error answers `{"error": {"code": ..., "message": ..., "field": ...}}`, including
unknown paths under /api/v1/, wrong methods, unparsable bodies and CSRF failures; no
malformed input produces a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from atrium.kernel.actions.tokens import user_for_token
from atrium.kernel.errors import ActionError

logger = logging.getLogger("atrium.api")


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer atr_…` with a personal API token.

    A request that sends a Bearer token is judged by it alone: a wrong, revoked or expired
    token answers 401 even if the browser also holds a session. Other schemes (say, Basic
    auth added by a reverse proxy) are left to the session.
    """

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if header is None:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; CSRF is checked on unsafe methods.

    Without a signed-in session there is nothing to protect, so the answer is 401, not a
    CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        return request.user


class AtriumAPI(NinjaAPI):
    """Adds to ninja's URLs the JSON answers for wrong methods and unknown paths."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                pattern.callback = _unknown_path  # ninja's root answers an HTML 404
            elif isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        patterns.append(re_path(r"^.*$", _unknown_path, name="unknown"))
        return patterns, app_name, namespace


api = AtriumAPI(
    title="Atrium API",
    version="1",
    description=(
        "The HTTP API of Atrium. Authenticate with a personal token "
        "(`Authorization: Bearer atr_…`, created in your profile or with `POST /me/tokens`) "
        "or a browser session (unsafe methods then need the `X-CSRFToken` header).\n\n"
        "Every error answers `{\"error\": {\"code\", \"message\", \"field\"}}`. An object "
        "that does not exist and one you may not see both answer 404; one you may see but "
        "not change answers 403."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    body.update(extra)
    return {"error": body}


def json_error(status: int, code: str, message: str) -> HttpResponse:
    return JsonResponse(error_body(code, message), status=status)


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return json_error(404, "not_found", _("There is no such address in the API."))


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            answer = json_error(405, "method_not_allowed",
                                _("This address accepts: %(methods)s.") % {"methods": allowed})
            answer["Allow"] = allowed
            return answer
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


@api.exception_handler(ActionError)
def _action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return api.create_response(request, error_body(exc.code, exc.message, exc.field),
                               status=exc.status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for item in exc.errors:
        location = [str(p) for p in item.get("loc", [])]
        # ("body", "payload", "name") names the field `name`; a field may itself be "body".
        for prefix in ("body", "payload"):
            if location[:1] == [prefix]:
                location = location[1:]
        problems.append({"field": ".".join(location), "message": str(item.get("msg", ""))})
    first = problems[0] if problems else {"field": "", "message": _("Invalid input.")}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return api.create_response(
        request, error_body("invalid", message, first["field"] or None, details=problems),
        status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, error_body("unauthenticated", _("Sign in or send a valid API token.")),
        status=401)


HTTP_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 413: "too_large",
              429: "throttled"}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, CsrfFailed):
        return api.create_response(request, error_body(
            "csrf_failed", _("The CSRF check failed: send the X-CSRFToken header with the "
                             "value of the csrftoken cookie, or use an API token.")),
            status=403)
    if isinstance(exc, Throttled):
        return api.create_response(request, error_body("throttled", _("Too many requests.")),
                                   status=429)
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    code = HTTP_CODES.get(exc.status_code, "error")
    return api.create_response(request, error_body(code, message), status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, error_body("too_large", _("The request body is too large.")), status=413)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, error_body("bad_request", _("The request is malformed.")), status=400)


@api.exception_handler(Exception)
def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered as JSON (still a 500, for monitoring)."""
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request, error_body("server_error", _("Something went wrong on our side.")),
        status=500)
