"""tus PATCH bodies streamed straight to the upload's file, below Django.

Django's ASGI handler reads a request's whole body (spooled to a temporary file past 2 MB)
before any view runs: a 2 GB PATCH would be written twice, and a PATCH cut by the network
would be lost whole, though tus wants the bytes received before a cut to count. This ASGI
wrapper takes only `PATCH /api/v1/uploads/<id>` and hands each body chunk to
`resumable.append` as it arrives; everything else goes to Django untouched.

The request is judged as the API judges it (`atrium.api.uploads.append_upload`): a Bearer
token alone when one is sent (401 if wrong), otherwise the session with the CSRF header;
then the same tus checks and answers. The synchronous part (database, file) runs in the
request's thread-sensitive context, so it gets the pooled request thread and its connection
(`web/requestthreads.py`); it pulls the body from the event loop chunk by chunk.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from asgiref.sync import SyncToAsync, ThreadSensitiveContext, async_to_sync, sync_to_async
from django.contrib.auth import get_user
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connections
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.utils import check_csrf

from atrium.kernel.actions.tokens import user_for_token

logger = logging.getLogger("atrium.api")

PATH = re.compile(r"^/api/v1/uploads/([A-Za-z0-9_\-]{1,64})$")
ASGIApp = Any


class StreamedBody:
    """A file-like view of the ASGI body for sync code: `read()` waits for the next chunk
    on the event loop. A disconnect ends the body (what arrived is kept, as tus wants)."""

    def __init__(self, receive: Any) -> None:
        self._receive = async_to_sync(receive)
        self.finished = False
        self.disconnected = False

    def read(self, size: int = -1) -> bytes:
        while not self.finished:
            message = self._receive()
            if message["type"] == "http.disconnect":
                self.finished = self.disconnected = True
                return b""
            self.finished = not message.get("more_body", False)
            chunk: bytes = message.get("body", b"")
            if chunk:
                return chunk
        return b""


class TusPatchStreaming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        match = (PATH.match(scope.get("path", "")) if scope["type"] == "http"
                 and scope.get("method") == "PATCH" else None)
        if match is None:
            await self.app(scope, receive, send)
            return
        body = StreamedBody(receive)
        handle = sync_to_async(_handle, thread_sensitive=True)
        if SyncToAsync.thread_sensitive_context.get(None) is None:
            async with ThreadSensitiveContext():
                response = await handle(scope, match.group(1), body)
        else:
            response = await handle(scope, match.group(1), body)
        headers = [(name.encode("latin-1"), value.encode("latin-1"))
                   for name, value in response.items()]
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": headers})
        await send({"type": "http.response.body", "body": response.content})


def _authenticate(request: HttpRequest) -> Any:
    """The person, or the error answer the API would give."""
    from atrium.api.core import error_body
    from atrium.api.uploads import _tus

    def refuse(status: int, code: str, message: str) -> HttpResponse:
        from django.http import JsonResponse

        return _tus(JsonResponse(error_body(code, message), status=status))

    header = request.headers.get("Authorization")
    scheme, _sep, token = (header or "").partition(" ")
    if header is not None and scheme.lower() == "bearer":
        user = user_for_token(token.strip())
        if user is None:
            return refuse(401, "unauthenticated", _("Sign in or send a valid API token."))
        return user
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    person: Any = get_user(request)
    if not person.is_authenticated or not person.is_active:
        return refuse(401, "unauthenticated", _("Sign in or send a valid API token."))
    request.user = person
    if check_csrf(request):
        return refuse(403, "csrf_failed", _(
            "The CSRF check failed: send the X-CSRFToken header with the value of the "
            "csrftoken cookie, or use an API token."))
    return person


def _tidy_connections() -> None:
    """What Django does around each request (drop broken or too old connections); never
    inside a transaction (a test's), where closing would break it."""
    if not any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        close_old_connections()


def _handle(scope: dict[str, Any], key: str, body: StreamedBody) -> HttpResponse:
    from atrium.api import uploads

    _tidy_connections()
    try:
        request = ASGIRequest(scope, io.BytesIO())
        user = _authenticate(request)
        if isinstance(user, HttpResponse):
            return user
        request.user = user
        return uploads.append_streamed(request, key, body)
    except Http404:
        return uploads._error(404, "not_found", _("Not found."))
    except Exception:
        logger.exception("Streamed tus PATCH of %s failed", key)
        return uploads._error(500, "server_error", _("Something went wrong on our side."))
    finally:
        _tidy_connections()
