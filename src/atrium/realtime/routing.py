"""The websocket application: `/ws`, authenticated by the browser session (with the Origin
checked, so another site cannot use our cookie) or by an API token in an `Authorization:
Bearer` header (bots and scripts; no cookie is involved, so no Origin is needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator

from atrium.realtime.socket import CLOSE_UNAUTHENTICATED, _token_user, serve_socket

PATH = "/ws"


def _bearer(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _sep, token = value.decode("latin1").partition(" ")
            if scheme.lower() == "bearer":
                return token.strip()
    return None


async def _refuse(receive: Callable, send: Callable, code: int) -> None:
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": code})


async def _session_socket(scope: dict[str, Any], receive: Callable, send: Callable) -> None:
    user = scope.get("user")
    if user is None or not user.is_authenticated or not user.is_active:
        await _refuse(receive, send, CLOSE_UNAUTHENTICATED)
        return
    await receive()  # websocket.connect
    await serve_socket(user, receive, send)


_browser_socket = AllowedHostsOriginValidator(AuthMiddlewareStack(_session_socket))


async def websocket_application(scope: dict[str, Any], receive: Callable,
                                send: Callable) -> None:
    if scope.get("path") != PATH:
        await _refuse(receive, send, 4404)
        return
    token = _bearer(scope)
    if token is None:
        await _browser_socket(scope, receive, send)
        return
    user = await _token_user(token)
    if user is None or not user.is_active:
        await _refuse(receive, send, CLOSE_UNAUTHENTICATED)
        return
    await receive()  # websocket.connect
    await serve_socket(user, receive, send)
