"""The websocket endpoint `/ws`: one socket per browser tab (or bot), many audiences.

Protocol (JSON text frames):
- server → client: `hello` {user_id, last_id}, `event` {id, audience, event, payload},
  `signal` {audience, signal, payload} (ephemeral), `caught_up` {count}, `reload` (missed
  too much: fetch the page again), `resync` (send `resume` again), `subscribed`, `error`
  {code, message}, `pong`.
- client → server: `resume` {last_id, recent}, `subscribe`/`unsubscribe` {audience},
  `signal` {audience, signal}, `presence` {state: online|away}, `ping`.

Until its first `resume` (or a few seconds), a socket holds live events so that catch-up and
live delivery meet without a gap or a duplicate. The same hold covers a rights change: the
socket stops releasing events the moment it hears of the change, re-checks its audiences,
then releases only what it may still read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async

from atrium.kernel.events import SessionRevoked
from atrium.realtime import audiences, catchup, publish
from atrium.realtime.hub import Hub, current_hub
from atrium.realtime.presence import CLIENT_STATES, ONLINE
from atrium.realtime.writer import FrameWriter, text_frame

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_REVOKED = 4403
CLOSE_TOO_SLOW = 4408
CLOSE_FLOOD = 4429
CLOSE_TRY_LATER = 1013

MAX_FRAME_CHARS = 16_384
MAX_QUEUE = 5_000
MAX_HELD = 5_000
MAX_SUBSCRIPTIONS = 200
RESUME_WAIT = 10.0
SKIP_WINDOW = 30.0  # seconds an event's publish may lag behind its commit
RATE_PER_SECOND = 20.0
BURST = 60.0
STRIKES_BEFORE_CLOSE = 200


class TokenBucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def frame(kind: str, **fields: Any) -> str:
    return publish.dumps({"type": kind, **fields})


@database_sync_to_async
def _fresh_user(user_id: int) -> Any:
    from atrium.kernel.models import User

    return User.objects.filter(pk=user_id, is_active=True).first()


@database_sync_to_async
def _token_user(raw: str) -> Any:
    from atrium.kernel.actions.tokens import user_for_token

    return user_for_token(raw)


class Socket:
    """One connection: its audiences, its outbound queue and its holds."""

    def __init__(self, user: Any, send: Callable[[dict], Awaitable[None]], hub: Hub) -> None:
        self.user = user
        self.send = send
        self.hub = hub
        self.keys: set[str] = set()
        self.wanted: set[str] = set()
        self.writer = FrameWriter(send, MAX_QUEUE, lambda: self.close_soon(CLOSE_TOO_SLOW))
        self.closing: int | None = None
        self.held: list[dict[str, Any]] | None = []
        self.pending = 0
        self.skip: set[int] = set()
        self.skip_until = 0.0
        self.lock = asyncio.Lock()
        self.bucket = TokenBucket(RATE_PER_SECOND, BURST)
        self.strikes = 0
        self.first_resume: asyncio.Future[tuple[int | None, list[int]]] = (
            asyncio.get_running_loop().create_future())
        self.next_resume: asyncio.Future[tuple[int | None, list[int]]] | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    # Called by the hub, synchronously, in the event loop.

    def push(self, envelope: dict[str, Any]) -> None:
        if envelope.get("e") == SessionRevoked.type:
            self.close_soon(CLOSE_REVOKED)
        elif self.held is not None:
            self.held.append(envelope)
            if len(self.held) > MAX_HELD:
                self.close_soon(CLOSE_TOO_SLOW)
        elif self.skip and self._sent_already(envelope):
            return
        else:
            self.enqueue_event(envelope)

    def _sent_already(self, envelope: dict[str, Any]) -> bool:
        """The catch-up reads events once committed; their publish may reach this worker
        later, after the hold ended (a busy loop, Redis): the client has them already."""
        if time.monotonic() > self.skip_until:
            self.skip = set()
            return False
        return envelope.get("id") in self.skip

    def on_control(self, control: str) -> None:
        if control == "rights":
            self.request(self._recheck)

    def resync(self) -> None:
        """Ask the client to resume, holding live events until it does: they would otherwise
        arrive before its `resume` (sent with an older last id) and again in the catch-up."""
        if not self.first_resume.done() or self.next_resume is not None:
            return  # a resume is awaited already: its catch-up reads the database after now
        self.enqueue(frame("resync"))
        self.next_resume = asyncio.get_running_loop().create_future()
        self.request(self._next_resume)

    # Outbound.

    def enqueue(self, text: str) -> None:
        if self.closing is None:
            self.writer.write_text(text)

    def enqueue_event(self, envelope: dict[str, Any]) -> None:
        """An event shared by every follower: its frame bytes are made once, then kept."""
        if self.closing is None:
            wire = envelope.get("w")
            if wire is None:
                wire = envelope["w"] = text_frame(envelope["t"])
            self.writer.write_text(envelope["t"], wire)

    def close_soon(self, code: int) -> None:
        if self.closing is None:
            self.closing = code
            self.writer.write_last({"type": "websocket.close", "code": code})

    # Holds: jobs that must see a consistent view before live events flow again.

    def request(self, job: Callable[[], Awaitable[None]]) -> None:
        self.pending += 1
        if self.held is None:
            self.held = []
        task = asyncio.get_running_loop().create_task(self._run(job))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, job: Callable[[], Awaitable[None]]) -> None:
        async with self.lock:
            try:
                await job()
            except Exception:
                log.exception("real-time job failed; the client is asked to reload")
                self.enqueue(frame("reload"))
            finally:
                self.pending -= 1
                if self.pending == 0:
                    self._release()

    def _release(self) -> None:
        held, self.held = self.held or [], None
        for envelope in held:
            if envelope.get("e") == SessionRevoked.type:
                self.close_soon(CLOSE_REVOKED)
            elif envelope["a"] in self.keys and envelope.get("id") not in self.skip:
                self.enqueue_event(envelope)

    async def _first_resume(self) -> None:
        try:
            last_id, recent = await asyncio.wait_for(self.first_resume, RESUME_WAIT)
        except TimeoutError:
            return
        await self._catch_up(last_id, recent)

    async def _next_resume(self) -> None:
        waiting = self.next_resume
        if waiting is None:
            return
        try:
            last_id, recent = await asyncio.wait_for(waiting, RESUME_WAIT)
        except TimeoutError:
            return
        finally:
            self.next_resume = None
        await self._catch_up(last_id, recent)

    async def _catch_up(self, last_id: int | None, recent: list[int]) -> None:
        if last_id is None:
            self.enqueue(frame("caught_up", count=0))
            return
        result = await database_sync_to_async(catchup.missed)(
            self.user, set(self.keys), last_id, recent)
        if result.reload:
            self.enqueue(frame("reload"))
            return
        for _pk, text in result.frames:
            self.enqueue(text)
        if time.monotonic() > self.skip_until:
            self.skip = set()
        self.skip |= {pk for pk, _ in result.frames} | set(recent)
        self.skip_until = time.monotonic() + SKIP_WINDOW
        self.enqueue(frame("caught_up", count=len(result.frames)))

    async def _recheck(self) -> None:
        fresh = await _fresh_user(self.user.pk)
        if fresh is None:
            self.close_soon(CLOSE_REVOKED)
            return
        self.user = fresh
        keys = await database_sync_to_async(audiences.allowed)(fresh, self.wanted)
        self.wanted &= keys
        self.hub.update(self, keys)

    # Inbound.

    async def receive(self, text: str | None) -> None:
        if not self.bucket.take():
            self.strikes += 1
            if self.strikes >= STRIKES_BEFORE_CLOSE:
                self.close_soon(CLOSE_FLOOD)
            elif self.strikes % 20 == 1:
                self.error("throttled", "Too many messages: slow down.")
            return
        if text is None:
            self.error("bad_frame", "Only JSON text frames are accepted.")
            return
        if len(text) > MAX_FRAME_CHARS:
            self.error("too_big", f"Frames are limited to {MAX_FRAME_CHARS} characters.")
            return
        try:
            message = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested too deep
            self.error("bad_frame", "The frame is not valid JSON.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            self.error("bad_frame", "A frame is a JSON object with a \"type\".")
            return
        handler = HANDLERS.get(message["type"])
        if handler is None:
            self.error("unknown_type", "Unknown frame type.")
            return
        await handler(self, message)

    def error(self, code: str, message: str, **extra: Any) -> None:
        self.enqueue(frame("error", code=code, message=message, **extra))

    async def on_ping(self, message: dict) -> None:
        self.enqueue(frame("pong"))

    async def on_resume(self, message: dict) -> None:
        last_id = message.get("last_id")
        recent = message.get("recent") or []
        if last_id is not None and (not isinstance(last_id, int) or isinstance(last_id, bool)
                                    or last_id < 0):
            self.error("bad_frame", "last_id must be a positive integer or null.")
            return
        if not isinstance(recent, list):
            recent = []
        recent = [i for i in recent[:catchup.MAX_RECENT]
                  if isinstance(i, int) and not isinstance(i, bool)]
        if not self.first_resume.done():
            self.first_resume.set_result((last_id, recent))
        elif self.next_resume is not None and not self.next_resume.done():
            self.next_resume.set_result((last_id, recent))
        else:
            self.request(lambda: self._catch_up(last_id, recent))

    async def on_subscribe(self, message: dict) -> None:
        parsed = audiences.parse_key(message.get("audience"))
        if parsed is None:
            self.error("not_found", "No such audience.", audience=message.get("audience"))
            return
        key = audiences.key(*parsed)
        if key in self.keys:
            self.enqueue(frame("subscribed", audience=key))
        elif len(self.wanted) >= MAX_SUBSCRIPTIONS:
            self.error("too_many", "Too many subscriptions.", audience=key)
            return
        else:
            found = await database_sync_to_async(audiences.readable_keys)(self.user, [parsed])
            if not found:
                self.error("not_found", "No such audience.", audience=key)
                return
            self.wanted.add(key)
            self.hub.update(self, self.keys | {key})
            self.enqueue(frame("subscribed", audience=key))
        if parsed[0] == "presence":
            state = await self.hub.presence.state_of(parsed[1])
            self.enqueue(frame("signal", audience=key, signal="presence",
                               payload={"user_id": parsed[1], "state": state}))

    async def on_unsubscribe(self, message: dict) -> None:
        key = message.get("audience")
        if isinstance(key, str) and key in self.wanted:
            self.wanted.discard(key)
            self.hub.update(self, self.keys - {key})

    async def on_signal(self, message: dict) -> None:
        key, name = message.get("audience"), message.get("signal")
        parsed = audiences.parse_key(key)
        kind = audiences.get_kind(parsed[0]) if parsed else None
        if kind is None or key not in self.keys or name not in kind.signals:
            self.error("not_found", "No such audience or signal.", audience=key)
            return
        await publish.apublish(publish.signal_envelope(
            str(key), str(name), {"user_id": self.user.pk, "name": self.user.display_name}))

    async def on_presence(self, message: dict) -> None:
        state = message.get("state")
        if state not in CLIENT_STATES:
            self.error("bad_frame", "state must be online or away.")
            return
        await self.hub.presence.update(self.user.pk, id(self), state)


HANDLERS: dict[str, Callable[[Socket, dict], Awaitable[None]]] = {
    "ping": Socket.on_ping,
    "resume": Socket.on_resume,
    "subscribe": Socket.on_subscribe,
    "unsubscribe": Socket.on_unsubscribe,
    "signal": Socket.on_signal,
    "presence": Socket.on_presence,
}


async def serve_socket(user: Any, receive: Callable, send: Callable) -> None:
    """Run one accepted-to-be connection for an authenticated, active `user`."""
    hub = current_hub()
    keys = await database_sync_to_async(audiences.allowed)(user)
    hub.ensure_started()
    try:
        await asyncio.wait_for(hub.ready.wait(), 5.0)
    except TimeoutError:
        await send({"type": "websocket.close", "code": CLOSE_TRY_LATER})
        return
    latest = await database_sync_to_async(catchup.latest_event_id)()
    await send({"type": "websocket.accept"})
    sock = Socket(user, send, hub)
    hub.attach(sock, keys)
    sock.enqueue(frame("hello", user_id=user.pk, last_id=latest))
    sock.request(sock._first_resume)
    await hub.presence.update(user.pk, id(sock), ONLINE)
    try:
        while sock.closing is None:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            if message["type"] == "websocket.receive":
                await sock.receive(message.get("text"))
    finally:
        sock.closing = sock.closing or 1000
        hub.detach(sock)
        for task in list(sock.tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await hub.presence.update(user.pk, id(sock), None)
        sock.writer.cancel()
