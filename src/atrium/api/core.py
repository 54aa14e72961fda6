"""The HTTP API at /api/v1: one NinjaAPI object, authentication, and errors that are JSON.

Every error answers `{"error": {"code": ..., "message": ..., "field": ...}}`; no malformed
input produces a 500.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from atrium.kernel.actions.tokens import user_for_token
from atrium.kernel.errors import ActionError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer atr_…` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; CSRF is checked on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Atrium API",
    version="1",
    description="The HTTP API of Atrium. Authenticate with a personal token "
    "(`Authorization: Bearer atr_…`, created in your profile) or a browser session.",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    body.update(extra)
    return {"error": body}


@api.exception_handler(ActionError)
def _action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return api.create_response(request, error_body(exc.code, exc.message, exc.field),
                               status=exc.status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, error_body("not_found", "Not found."), status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for item in exc.errors:
        location = [str(p) for p in item.get("loc", []) if p not in ("body", "payload")]
        problems.append({"field": ".".join(location), "message": str(item.get("msg", ""))})
    first = problems[0] if problems else {"field": "", "message": "Invalid input."}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return api.create_response(
        request, error_body("invalid", message, first["field"] or None, details=problems),
        status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, error_body("unauthenticated", "Sign in or send a valid API token."),
        status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)
