"""The /ws endpoint through the real ASGI application: authentication, live delivery by
audience, catch-up without gaps or duplicates, retention, rights changes, hostile frames."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.test import Client as HttpClient

from atrium.kernel.actions.spaces import do_remove_member
from atrium.kernel.models import EventHorizon, Visibility
from atrium.realtime import socket as ws
from tests.factories import make_space, make_user
from tests.realtime.wsclient import Client, emit_committed, run_committed, token_for

run = async_to_sync


def test_token_and_session_authenticate_and_strangers_are_refused(world):
    token = token_for(world.member)

    async def scenario():
        good = Client.with_token(token)
        assert await good.connect() is True
        assert good.hello["user_id"] == world.member.pk
        await good.close()
        bad = Client.with_token("atr_nothing_real")
        assert await bad.connect() == ws.CLOSE_UNAUTHENTICATED
        anonymous = Client([(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")])
        assert await anonymous.connect() != True  # noqa: E712  (a close code)

    run(scenario)()


def test_session_socket_needs_our_origin(world):
    browser = HttpClient()
    browser.force_login(world.member, backend="django.contrib.auth.backends.ModelBackend")
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()

    async def scenario():
        ours = Client([(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"),
                       (b"cookie", cookie)])
        assert await ours.connect() is True
        await ours.close()
        theirs = Client([(b"origin", b"https://evil.example"), (b"host", b"127.0.0.1"),
                         (b"cookie", cookie)])
        assert await theirs.connect() is not True

    run(scenario)()


def test_live_events_reach_exactly_the_audience(world):
    """An event for a space reaches its members, not an outsider nor a guest of elsewhere."""
    tokens = {role: token_for(getattr(world, role))
              for role in ("member", "reader", "outsider", "guest")}

    async def scenario():
        clients = {role: Client.with_token(t) for role, t in tokens.items()}
        for client in clients.values():
            await client.connect()
            await client.until("caught_up")
        event_id = await emit_committed("space", world.space.pk, 1)
        for role in ("member", "reader"):
            (event,) = await clients[role].events(1)
            assert event["id"] == event_id and event["payload"] == {"n": 1}
            assert event["audience"] == f"space:{world.space.pk}"
        assert await clients["outsider"].nothing()
        personal = await emit_committed("user", world.outsider.pk, 2)
        assert (await clients["outsider"].events(1))[0]["id"] == personal
        assert await clients["member"].nothing()
        for client in clients.values():
            await client.close()

    run(scenario)()


def test_catch_up_sends_exactly_what_was_missed_in_order(world):
    token = token_for(world.member)

    async def scenario():
        first = Client.with_token(token)
        await first.connect()
        await first.until("caught_up")
        seen = await emit_committed("space", world.space.pk, 0)
        assert (await first.events(1))[0]["id"] == seen
        await first.close()
        missed = [await emit_committed("space", world.space.pk, n) for n in range(1, 6)]
        await emit_committed("space", world.other_space.pk, 99)  # not theirs
        again = Client.with_token(token)
        await again.connect(resume=seen, recent=[seen])
        got = await again.events(5)
        assert [e["id"] for e in got] == missed
        assert (await again.until("caught_up"))["count"] == 5
        live = await emit_committed("space", world.space.pk, 6)
        assert [e["id"] for e in await again.events(1)] == [live]
        assert await again.nothing()
        await again.close()

    run(scenario)()


def test_late_commit_below_the_last_id_is_caught_up_once(world):
    """On PostgreSQL an event with a smaller id may commit after a bigger one: the client's
    recent ids let the server send the late one and nothing it already has."""
    token = token_for(world.member)

    async def scenario():
        a = await emit_committed("space", world.space.pk, 1)
        b = await emit_committed("space", world.space.pk, 2)
        c = await emit_committed("space", world.space.pk, 3)
        client = Client.with_token(token)
        # The client received a and c live, but b committed late, after it disconnected.
        await client.connect(resume=c, recent=[a, c])
        assert [e["id"] for e in await client.events(1)] == [b]
        assert (await client.until("caught_up"))["count"] == 1
        await client.close()

    run(scenario)()


def test_catch_up_rechecks_current_rights(world):
    """Events of a space the person has left since are not replayed."""
    token = token_for(world.member)

    async def scenario():
        start = await emit_committed("user", world.member.pk, 0)
        await emit_committed("space", world.space.pk, 1)
        await run_committed(do_remove_member, world.space_admin, world.space, world.member)
        client = Client.with_token(token)
        await client.connect(resume=start)
        frames = []
        while (frame := await client.receive())["type"] != "caught_up":
            frames.append(frame)
        assert all(f["audience"] != f"space:{world.space.pk}" for f in frames
                   if f["type"] == "event")
        await client.close()

    run(scenario)()


def test_resuming_beyond_retention_asks_for_a_reload(world):
    token = token_for(world.member)
    EventHorizon.objects.create(purged_through=10_000)

    async def scenario():
        client = Client.with_token(token)
        await client.connect(resume=5)
        assert (await client.until("reload"))["type"] == "reload"
        await client.close()

    run(scenario)()


def test_removed_member_stops_receiving_at_once(world):
    """The removal reaches the socket before any later event of the space."""
    token = token_for(world.member)

    async def scenario():
        client = Client.with_token(token)
        await client.connect()
        await client.until("caught_up")
        before = await emit_committed("space", world.space.pk, 1)
        assert [e["id"] for e in await client.events(1)] == [before]
        await run_committed(do_remove_member, world.space_admin, world.space, world.member)
        await emit_committed("space", world.space.pk, 2)
        frames = await client.drain(0.5)
        assert not [f for f in frames if f.get("type") == "event"
                    and f["payload"] == {"n": 2}]
        await client.close()

    run(scenario)()


def test_subscriptions_are_checked(world):
    """An open space can be followed without joining; a private one cannot, nor garbage."""
    open_space = make_space(world.space_admin, Visibility.OPEN)
    token = token_for(world.outsider)

    async def scenario():
        client = Client.with_token(token)
        await client.connect()
        await client.until("caught_up")
        await client.send({"type": "subscribe", "audience": f"space:{open_space.pk}"})
        assert (await client.until("subscribed"))["audience"] == f"space:{open_space.pk}"
        for audience in (f"space:{world.space.pk}", "space:x", "nope:1", 12, "user:999999"):
            await client.send({"type": "subscribe", "audience": audience})
            error = await client.until("error")
            assert error["code"] == "not_found"
        event_id = await emit_committed("space", open_space.pk, 1)
        assert (await client.events(1))[0]["id"] == event_id
        assert await client.nothing()
        await client.close()

    run(scenario)()


def test_signals_reach_followers_and_are_not_stored(world):
    from atrium.kernel.models import EventRecord

    tokens = [token_for(world.member), token_for(world.reader)]
    stored = EventRecord.objects.count()

    async def scenario():
        a, b = Client.with_token(tokens[0]), Client.with_token(tokens[1])
        for client in (a, b):
            await client.connect()
            await client.until("caught_up")
        presence = f"presence:{world.member.pk}"
        await b.send({"type": "subscribe", "audience": presence})
        snapshot = await b.until("signal")
        assert snapshot["payload"] == {"user_id": world.member.pk, "state": "online"}
        await a.send({"type": "presence", "state": "away"})
        changed = await b.until("signal")
        assert changed["payload"]["state"] == "away"
        await a.send({"type": "signal", "audience": f"space:{world.space.pk}",
                      "signal": "typing"})
        assert (await a.until("error"))["code"] == "not_found"  # spaces take no signals
        await a.close()
        gone = await b.until("signal")
        assert gone["payload"]["state"] == "offline"
        await b.close()

    run(scenario)()
    assert EventRecord.objects.count() == stored


def test_hostile_frames_get_errors_and_floods_are_cut(world):
    token = token_for(world.member)

    async def scenario():
        client = Client.with_token(token)
        await client.connect()
        await client.until("caught_up")
        for bad, code in (("not json", "bad_frame"), ("[1, 2]", "bad_frame"),
                          ('{"type": "explode"}', "unknown_type"),
                          ("x" * (ws.MAX_FRAME_CHARS + 1), "too_big"),
                          ('{"type": "resume", "last_id": "1; DROP"}', "bad_frame")):
            await client.send(bad)
            assert (await client.until("error"))["code"] == code
        await client.socket.send_to(bytes_data=b"\x00\x01")
        assert (await client.until("error"))["code"] == "bad_frame"
        await client.send({"type": "ping"})
        assert (await client.until("pong"))["type"] == "pong"
        for _ in range(int(ws.BURST) + ws.STRIKES_BEFORE_CLOSE + 10):
            await client.send({"type": "ping"})
        closed = await client.until("closed", timeout=5)
        assert closed["code"] == ws.CLOSE_FLOOD

    run(scenario)()


def test_deactivated_or_guest_sees_nothing_of_others(world):
    outsider_space = make_space(make_user(), Visibility.OPEN)
    token = token_for(world.guest)

    async def scenario():
        client = Client.with_token(token)
        await client.connect()
        await client.until("caught_up")
        await client.send({"type": "subscribe", "audience": f"space:{outsider_space.pk}"})
        assert (await client.until("error"))["code"] == "not_found"
        await client.send({"type": "subscribe", "audience": f"presence:{world.outsider.pk}"})
        assert (await client.until("error"))["code"] == "not_found"
        await emit_committed("org", 0, 1)
        assert await client.nothing()
        await client.close()

    run(scenario)()
