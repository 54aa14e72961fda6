"""A websocket test client speaking Atrium's protocol through the real ASGI application."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import TestCase

from atrium.kernel import events
from atrium.kernel.actions.tokens import do_create_token


class Tick(events.Event):
    type: ClassVar[str] = "test.tick"
    n: int


def token_for(user: Any) -> str:
    return do_create_token(user, "socket test")[1]


@database_sync_to_async
def emit_committed(kind: str, audience_id: int, n: int) -> int:
    """Emit one event as an action would, running its on-commit push."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        record = events.emit(Tick(n=n), kind, audience_id)
    return record.pk


@database_sync_to_async
def run_committed(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)


class Client:
    def __init__(self, headers: list[tuple[bytes, bytes]]) -> None:
        from atrium.asgi import application

        self.socket = WebsocketCommunicator(application, "/ws", headers=headers)
        self.hello: dict[str, Any] = {}

    @classmethod
    def with_token(cls, token: str) -> Client:
        return cls([(b"authorization", f"Bearer {token}".encode())])

    async def connect(self, resume: Any = "live", recent: list[int] | None = None) -> Any:
        connected, code = await self.socket.connect(timeout=5)
        if not connected:
            return code
        self.hello = await self.receive()
        assert self.hello["type"] == "hello"
        if resume == "live":
            await self.send({"type": "resume", "last_id": None})
        elif resume is not None:
            await self.send({"type": "resume", "last_id": resume, "recent": recent or []})
        return True

    async def send(self, message: Any) -> None:
        await self.socket.send_to(text_data=message if isinstance(message, str)
                                  else json.dumps(message))

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        output = await self.socket.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return {"type": "closed", "code": output.get("code")}
        return json.loads(output["text"])

    async def until(self, kind: str, timeout: float = 3) -> dict[str, Any]:
        """Frames up to and including the first of `kind`; returns that frame."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == kind:
                return message

    async def events(self, count: int, timeout: float = 3) -> list[dict[str, Any]]:
        found = []
        while len(found) < count:
            message = await self.receive(timeout)
            if message["type"] == "event":
                found.append(message)
        return found

    async def drain(self, wait: float = 0.3) -> list[dict[str, Any]]:
        """Every frame that arrives until the socket stays quiet for `wait` seconds (without
        cancelling the application, which a timed-out receive would do)."""
        frames = []
        while not await self.socket.receive_nothing(timeout=wait):
            frames.append(await self.receive())
        return frames

    async def nothing(self, wait: float = 0.3) -> bool:
        """True if no event frame arrives within `wait` seconds."""
        return not [f for f in await self.drain(wait) if f["type"] == "event"]

    async def close(self) -> None:
        await self.socket.disconnect()
