"""The websocket endpoint `/ws`. This first version authenticates, joins the person's own
group and closes at once when their access is revoked; the chat issue adds subscriptions,
catch-up and presence on the same endpoint."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from atrium.kernel.events import SessionRevoked


def group_name(kind: str, audience_id: int) -> str:
    return f"{kind}-{audience_id}"

CLOSE_UNAUTHENTICATED = 4401
CLOSE_REVOKED = 4403


class WorkplaceConsumer(AsyncJsonWebsocketConsumer):
    groups: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_group = group_name("user", user.pk)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user_id": user.pk})

    async def disconnect(self, code: int) -> None:
        group = getattr(self, "user_group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def atrium_event(self, message: dict) -> None:
        if message.get("event") == SessionRevoked.type:
            await self.close(code=CLOSE_REVOKED)
            return
        await self.send_json({"type": "event", "id": message["id"], "event": message["event"],
                              "payload": message["payload"]})
