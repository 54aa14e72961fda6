"""FrameWriter: direct writes while the peer keeps up; in order behind a slow write; overflow
and closing frames; a broken peer."""

from __future__ import annotations

import asyncio

import pytest

from atrium.realtime.writer import FrameWriter


class Peer:
    """An ASGI send whose transport can be paused, like uvicorn's."""

    def __init__(self) -> None:
        self.writable = asyncio.Event()
        self.writable.set()
        self.got: list[dict] = []
        self.suspended = 0

    async def send(self, message: dict) -> None:
        if not self.writable.is_set():
            self.suspended += 1
        await self.writable.wait()
        self.got.append(message)


def frames(n: int) -> list[dict]:
    return [{"type": "websocket.send", "text": str(i)} for i in range(n)]


def test_writes_happen_at_once_when_the_peer_keeps_up():
    async def scenario():
        peer = Peer()
        writer = FrameWriter(peer.send, 10, lambda: None)
        for message in frames(3):
            writer.write(message)
        # No await between the writes and this check: they went out synchronously.
        assert [m["text"] for m in peer.got] == ["0", "1", "2"]
        assert writer.task is None

    asyncio.run(scenario())


def test_a_slow_peer_queues_in_order_then_overflows():
    async def scenario():
        peer, overflowed = Peer(), []
        writer = FrameWriter(peer.send, 3, lambda: overflowed.append(True))
        peer.writable.clear()
        for message in frames(4):
            writer.write(message)
        assert writer.busy and len(writer.queue) == 3 and peer.got == []
        writer.write({"type": "websocket.send", "text": "too many"})
        assert overflowed == [True]
        peer.writable.set()
        await asyncio.wait_for(writer.task, 1)
        assert [m["text"] for m in peer.got] == ["0", "1", "2", "3"]
        assert not writer.busy and peer.suspended == 1
        writer.write({"type": "websocket.send", "text": "again"})
        assert peer.got[-1]["text"] == "again"

    asyncio.run(scenario())


def test_closing_frame_goes_last_and_drops_the_queue():
    async def scenario():
        peer = Peer()
        writer = FrameWriter(peer.send, 10, lambda: None)
        peer.writable.clear()
        for message in frames(3):
            writer.write(message)
        writer.write_last({"type": "websocket.close", "code": 4408})
        peer.writable.set()
        await asyncio.wait_for(writer.task, 1)
        assert [m.get("text", m.get("code")) for m in peer.got] == ["0", 4408]

    asyncio.run(scenario())


@pytest.mark.parametrize("slow", [False, True])
def test_a_broken_peer_stops_the_writer(slow):
    async def scenario():
        gate = asyncio.Event()

        async def send(message: dict) -> None:
            if slow:
                await gate.wait()
            raise OSError("connection reset")

        writer = FrameWriter(send, 10, lambda: None)
        writer.write(frames(1)[0])
        if slow:
            gate.set()
            await asyncio.wait_for(writer.task, 1)
        assert writer.broken and not writer.busy
        writer.write(frames(1)[0])  # ignored, no error

    asyncio.run(scenario())
