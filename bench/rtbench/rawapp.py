"""The practical ceiling: a minimal raw ASGI websocket broadcast, no Django, no database.

    python bench/rtbench/rawapp.py --port P [--frame-bytes 900] [--workers 1]

Served by uvicorn with the options `atrium serve` uses. A socket is greeted with `hello`,
answers `resume`, gets `caught_up`, like Atrium's. `POST /broadcast` with `{"body": …}`
builds one event frame shaped like Atrium's chat event, padded to `--frame-bytes`, serialises
it once and sends it to every socket of this process in a plain loop. With `--redis URL`
(for several workers) the frame is published once on a Redis channel instead, and each
worker sends what it hears there to its own sockets.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]
SOCKETS: set[Send] = set()
STATE = {"id": 0}
REDIS_URL = os.environ.get("RAW_REDIS_URL", "")
REDIS: dict[str, Any] = {}


def event_frame(body: str) -> str:
    STATE["id"] += 1
    number = STATE["id"]
    message = {"id": number, "channel_id": 1, "author": {"id": 1, "name": "Bench Sender"},
               "body": body, "html": "", "created_at": "2026-01-01T00:00:00+00:00"}
    event = {"type": "event", "id": number, "audience": "chat.channel:1",
             "event": "chat.message.posted", "payload": {"channel_id": 1, "message": message}}
    text = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    # Read when used: channelsapp.py imports this module before it sets the variable.
    missing = int(os.environ.get("RAW_FRAME_BYTES", "0")) - len(text.encode())
    if missing > 0:
        message["html"] = "x" * missing
        text = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    return text


async def read_body(receive: Callable[[], Awaitable[dict[str, Any]]]) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def respond(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def broadcast(text: str) -> None:
    frame = {"type": "websocket.send", "text": text}
    for target in list(SOCKETS):
        try:
            await target(frame)
        except Exception:
            SOCKETS.discard(target)


def redis_client() -> Any:
    if "client" not in REDIS:
        import redis.asyncio as aioredis

        REDIS["client"] = aioredis.Redis.from_url(REDIS_URL)
    return REDIS["client"]


async def listen() -> None:
    pubsub = redis_client().pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe("raw:events")
    async for message in pubsub.listen():
        if message.get("type") == "message":
            await broadcast(message["data"].decode())


async def http(scope: dict[str, Any], receive: Callable, send: Send) -> None:
    if scope["path"] == "/broadcast" and scope["method"] == "POST":
        data = json.loads(await read_body(receive))
        text = event_frame(str(data.get("body", "")))
        if REDIS_URL:
            await redis_client().publish("raw:events", text)
        else:
            await broadcast(text)
        await respond(send, 201, b'{"ok":true}')
    else:
        await respond(send, 200 if scope["path"] == "/healthz" else 404, b"{}")


async def websocket(scope: dict[str, Any], receive: Callable, send: Send) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    if REDIS_URL and "listener" not in REDIS:
        import asyncio

        REDIS["listener"] = asyncio.get_running_loop().create_task(listen())
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": '{"type":"hello","user_id":1,"last_id":0}'})
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text") or ""
            if '"resume"' in text:
                SOCKETS.add(send)
                await send({"type": "websocket.send", "text": '{"type":"caught_up","count":0}'})
    finally:
        SOCKETS.discard(send)


async def application(scope: dict[str, Any], receive: Callable, send: Send) -> None:
    if scope["type"] == "http":
        await http(scope, receive, send)
    elif scope["type"] == "websocket":
        await websocket(scope, receive, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--frame-bytes", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", default="")
    args = parser.parse_args()
    os.environ["RAW_FRAME_BYTES"] = str(args.frame_bytes)
    os.environ["RAW_REDIS_URL"] = args.redis
    import uvicorn

    uvicorn.run("rawapp:application", host="127.0.0.1", port=args.port, workers=args.workers,
                lifespan="off", log_level="warning", access_log=False,
                ws_max_size=1024 * 1024, app_dir=os.path.dirname(os.path.abspath(__file__)))


if __name__ == "__main__":
    main()
