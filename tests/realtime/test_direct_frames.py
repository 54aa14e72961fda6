"""Frames written straight to uvicorn's transport: byte-exact, readable by a real client that
negotiated permessage-deflate, in order with frames that went through `send()`, and only
under the protocol they were written for."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode

from atrium.realtime.writer import FrameWriter, direct_protocol, text_frame

TEXTS = ["a", "é" * 40, "x" * 125, "y" * 126, "z" * 65_535, "w" * 65_536, "ü" * 70_000,
         "{\"type\":\"event\",\"id\":1}"]


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: f"{len(t.encode())}B")
def test_the_frame_is_the_one_websockets_itself_would_send(text):
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
    assert text_frame(text) == expected


def test_only_uvicorns_sansio_protocol_is_written_to_directly():
    async def plain_send(message: dict) -> None:
        return None

    assert direct_protocol(plain_send) is None
    writer = FrameWriter(plain_send, 10, lambda: None)
    assert writer.protocol is None


class Server:
    """A real uvicorn (websockets-sansio, as `atrium serve` runs it) whose app sends TEXTS,
    alternating the direct path and `send()`, then a closing frame."""

    def __init__(self) -> None:
        self.direct: list[bool] = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, ws="websockets-sansio",
                                lifespan="off", log_level="warning", interface="asgi3")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    async def app(self, scope: dict, receive, send) -> None:
        assert scope["type"] == "websocket"
        await receive()
        await send({"type": "websocket.accept"})
        writer = FrameWriter(send, 100, lambda: None)
        self.direct.append(writer.protocol is not None)
        for number, text in enumerate(TEXTS):
            if number % 2:
                writer.write({"type": "websocket.send", "text": text})
            else:
                writer.write_text(text, text_frame(text))
        writer.write_last({"type": "websocket.close", "code": 1000})
        while writer.busy:
            await asyncio.sleep(0.01)
        await receive()

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def test_a_real_client_with_compression_reads_every_frame_in_order(server):
    async def receive_all() -> tuple[list[str], str | None]:
        got = []
        async with connect(f"ws://127.0.0.1:{server.port}/ws",
                           compression="deflate", max_size=None) as client:
            extensions = client.protocol.extensions
            async for message in client:
                got.append(message)
        return got, ",".join(type(e).__name__ for e in extensions)

    got, extensions = asyncio.run(receive_all())
    assert server.direct == [True]
    assert "PerMessageDeflate" in extensions
    assert got == TEXTS
