"""The stock Channels way, for comparison: an `AsyncJsonWebsocketConsumer` per socket joined
to one group, and `group_send` through the in-memory channel layer for each broadcast.

    python bench/rtbench/channelsapp.py --port P [--frame-bytes 900]

Same greeting (`hello`, `resume` → `caught_up`) and `POST /broadcast` as rawapp.py, so the
same client and sender measure it. This is what Atrium's hub replaced (ADR 0003): each
delivery here goes through the layer's per-channel queue and Channels' dispatch, which runs
`aclose_old_connections()` (a thread hop) before every handler.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import django
from django.conf import settings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

if not settings.configured:
    settings.configure(
        DATABASES={}, INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                    "CONFIG": {"capacity": 10_000, "expiry": 60}}},
    )
    django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from rawapp import event_frame, read_body, respond  # noqa: E402

GROUP = "room"


class RoomConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        await self.send(text_data='{"type":"hello","user_id":1,"last_id":0}')

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data and '"resume"' in text_data:
            await self.channel_layer.group_add(GROUP, self.channel_name)
            await self.send(text_data='{"type":"caught_up","count":0}')

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def room_event(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])


consumer = RoomConsumer.as_asgi()


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        await consumer(scope, receive, send)
        return
    if scope["type"] != "http":
        return
    if scope["path"] == "/broadcast" and scope["method"] == "POST":
        data = json.loads(await read_body(receive))
        text = event_frame(str(data.get("body", "")))
        await get_channel_layer().group_send(GROUP, {"type": "room.event", "text": text})
        await respond(send, 201, b'{"ok":true}')
    else:
        await respond(send, 200 if scope["path"] == "/healthz" else 404, b"{}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--frame-bytes", type=int, default=0)
    args = parser.parse_args()
    os.environ["RAW_FRAME_BYTES"] = str(args.frame_bytes)
    import uvicorn

    uvicorn.run("channelsapp:application", host="127.0.0.1", port=args.port, workers=1,
                lifespan="off", log_level="warning", access_log=False,
                ws_max_size=1024 * 1024, app_dir=HERE)


if __name__ == "__main__":
    main()
