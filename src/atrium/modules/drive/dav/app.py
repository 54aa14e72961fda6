"""WebDAV at `/dav/`: WsgiDAV over the drive, with personal API tokens as passwords.

`wsgi_application()` is the WSGI side: Basic authentication where the password is a personal
API token (the user name is not used: the token decides, like Nextcloud's app passwords),
failed attempts throttled per address, hostile paths refused, then WsgiDAV with only its
error printer and request resolver (no directory browser, no anonymous access, no logging
of its own). `with_webdav(app)` routes `/dav` and below to it inside the one ASGI
application through a2wsgi, which streams request bodies (read as WsgiDAV reads them) and
responses (through a bounded queue), so neither a large PUT nor a large GET is held in
memory. Locks live in Redis when `REDIS_URL` is set (shared by every worker), else in the
process's memory: with several workers and no Redis, a lock taken through one worker is not
seen by another.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import translation
from wsgidav.error_printer import ErrorPrinter
from wsgidav.request_resolver import RequestResolver
from wsgidav.wsgidav_app import WsgiDAVApp

from atrium.kernel.actions.tokens import user_for_token
from atrium.modules.drive.dav.resources import DriveProvider
from atrium.modules.drive.dav.writes import CREATED, DISCONNECTED

PREFIX = "/dav"
REALM = "Atrium"
FAILURES_ALLOWED = 10  # failed sign-ins per address…
FAILURE_WINDOW = 300  # …in this many seconds; then 429 until the window ends
BLOCK_SIZE = 256 * 1024
WORKERS = 16

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _lock_storage() -> Any:
    redis_url = getattr(settings, "REDIS_URL", "")
    if not redis_url:
        return True  # WsgiDAV's in-memory lock storage
    from wsgidav.lock_man.lock_storage_redis import LockStorageRedis

    parts = urlsplit(redis_url)
    database = parts.path.strip("/")
    return LockStorageRedis(host=parts.hostname or "127.0.0.1", port=parts.port or 6379,
                            db=int(database) if database.isdigit() else 0,
                            password=parts.password)


def dav_config() -> dict[str, Any]:
    return {
        "provider_mapping": {"/": DriveProvider()},
        "mount_path": PREFIX,
        "middleware_stack": [ErrorPrinter, RequestResolver],
        "http_authenticator": {"accept_basic": True, "accept_digest": False,
                               "default_to_digest": False, "domain_controller": None},
        "dir_browser": {"enable": False},
        "verbose": 1,
        "logging": {"enable": False},
        "suppress_version_info": True,
        "add_header_MS_Author_Via": True,
        "lock_storage": _lock_storage(),
        "property_manager": None,
        "block_size": BLOCK_SIZE,
    }


def _answer(start_response: StartResponse, status: str, message: str,
            headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = (message + "\n").encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body))), *(headers or [])])
    return [body]


def _basic_password(header: str) -> str | None:
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2] or None


def _hostile(segments: Iterable[str]) -> bool:
    return any(part in (".", "..") or any(ord(c) < 32 or ord(c) == 127 for c in part)
               for part in segments)


def _bad_path(environ: dict[str, Any]) -> bool:
    """True for `.`/`..` segments and control characters (NUL…) in the path or the
    Destination: refused outright, never normalised into some other path."""
    try:
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return True
    if _hostile(path.split("/")):
        return True
    destination = environ.get("HTTP_DESTINATION")
    if destination is not None:
        target = unquote(urlsplit(destination).path, errors="strict")
        if _hostile(target.split("/")) or not target.startswith(PREFIX + "/"):
            return True
    return False


class TokenAuthentication:
    """Who is asking, from an API token sent as the Basic password; nothing is anonymous."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        address = environ.get("REMOTE_ADDR", "")
        key = f"atrium:dav:failures:{address}"
        if (cache.get(key) or 0) >= FAILURES_ALLOWED:
            return _answer(start_response, "429 Too Many Requests",
                           "Too many failed sign-ins: try again later.",
                           [("Retry-After", str(FAILURE_WINDOW))])
        header = environ.get("HTTP_AUTHORIZATION", "")
        password = _basic_password(header) if header else None
        user = user_for_token(password) if password else None
        if user is None:
            if header:
                cache.add(key, 0, FAILURE_WINDOW)
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, FAILURE_WINDOW)
            return _answer(start_response, "401 Unauthorized",
                           "Sign in with your e-mail address and a personal API token.",
                           [("WWW-Authenticate", f'Basic realm="{REALM}", charset="UTF-8"')])
        try:
            if _bad_path(environ):
                return _answer(start_response, "400 Bad Request", "This path is not allowed.")
        except UnicodeError:
            return _answer(start_response, "400 Bad Request", "This path is not allowed.")
        method = environ.get("REQUEST_METHOD", "")
        if method == "PROPFIND" and environ.get("HTTP_DEPTH", "infinity").lower() == "infinity":
            body = ('<?xml version="1.0" encoding="utf-8"?><D:error xmlns:D="DAV:">'
                    "<D:propfind-finite-depth/></D:error>")
            start_response("403 Forbidden", [("Content-Type", "application/xml; charset=utf-8"),
                                              ("Content-Length", str(len(body)))])
            return [body.encode()]
        environ["atrium.user"] = user
        environ["wsgidav.auth.user_name"] = f"user-{user.pk}"
        environ["wsgidav.auth.realm"] = REALM
        translation.activate(getattr(user, "language", "") or settings.LANGUAGE_CODE)
        return self.app(environ, _created_start_response(environ, start_response))


def _created_start_response(environ: dict[str, Any], start_response: StartResponse) -> Any:
    """WsgiDAV answers 204 to a MOVE or COPY its provider handled; 201 when the
    destination is new, as RFC 4918 says."""

    def wrapped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if environ.get(CREATED) and status.startswith("204"):
            status = "201 Created"
        return start_response(status, headers, exc_info)

    return wrapped


class Mounted:
    """`/dav/...` becomes SCRIPT_NAME `/dav` and the rest, as WsgiDAV expects."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + PREFIX
            environ["PATH_INFO"] = path[len(PREFIX):] or "/"
        return self.app(environ, start_response)


def wsgi_application() -> WSGIApp:
    return Mounted(TokenAuthentication(WsgiDAVApp(dav_config())))


def _with_fresh_connections(app: WSGIApp) -> WSGIApp:
    """Close stale database connections around each request, as Django does for its own."""

    def served(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        close_old_connections()
        try:
            yield from app(environ, start_response)
        finally:
            close_old_connections()
            translation.deactivate()

    return served


def asgi_application() -> Any:
    bridge = WSGIMiddleware(_with_fresh_connections(wsgi_application()),  # type: ignore[arg-type]
                            workers=WORKERS)

    async def dav(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def watched_receive() -> Any:
            message = await receive()
            if message.get("type") == "http.disconnect":
                scope[DISCONNECTED] = True  # the PUT being stored was cut short
            return message

        await bridge(scope, watched_receive, send)  # type: ignore[arg-type]

    return dav


def with_webdav(app: Any) -> Any:
    """`app`, with HTTP requests for `/dav` and below answered by WebDAV."""
    dav = asgi_application()

    async def router(scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == PREFIX or path.startswith(PREFIX + "/")):
            await dav(scope, receive, send)
            return
        await app(scope, receive, send)

    return router
