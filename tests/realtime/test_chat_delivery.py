"""No chat event is ever pushed to someone who could not read it through the API at that
moment: every role's socket, after posting in a public channel, a private channel and a
direct conversation, holds exactly the events of the conversations it may read and follows."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from atrium.kernel.abilities import abilities
from atrium.modules.chat.actions import do_post_message, do_remove_member
from tests.modules.chat.factories import CHAT_ROLES, make_chat_world
from tests.realtime.wsclient import Client, run_committed, token_for

run = async_to_sync
CONNECTABLE = [r for r in CHAT_ROLES if r not in ("anonymous", "deactivated")]


@pytest.fixture
def chat(db):
    return make_chat_world()


def test_each_role_receives_exactly_what_it_may_read(chat):
    tokens = {role: token_for(chat.user(role)) for role in CONNECTABLE}
    conversations = {"public": chat.public, "private": chat.private, "direct": chat.direct}

    async def scenario():
        sockets = {}
        for role, token in tokens.items():
            client = Client.with_token(token)
            await client.connect()
            await client.until("caught_up")
            # Everyone tries to follow the public channel, as its page would.
            await client.send({"type": "subscribe", "audience": f"chat.channel:{chat.public.pk}"})
            await client.until("subscribed" if await _may_read(role, "public") else "error")
            sockets[role] = client
        for name, channel in conversations.items():
            author = chat.world.space_admin if name != "direct" else chat.world.member
            await run_committed(do_post_message, author, channel, f"hello {name}")
        received = {}
        for role, client in sockets.items():
            frames = await client.drain(0.4)
            received[role] = {f["payload"]["channel_id"] for f in frames
                              if f["type"] == "event" and f["event"] == "chat.message.posted"}
            await client.close()
        return received

    async def _may_read(role: str, name: str) -> bool:
        from channels.db import database_sync_to_async

        return await database_sync_to_async(
            lambda: abilities(chat.user(role), conversations[name])["view"])()

    received = run(scenario)()
    for role in CONNECTABLE:
        readable = {c.pk for c in conversations.values()
                    if abilities(chat.user(role), c)["view"]}
        # Everyone who may read the public channel followed it; the others follow what
        # they are members of: so each socket got exactly what its person may read.
        assert received[role] == readable, role
    assert chat.private.pk not in received["removed"]
    assert chat.private.pk not in received["org_admin"]
    assert chat.direct.pk not in received["org_admin"] | received["space_admin"]


def test_removed_from_private_channel_stops_at_once(chat):
    token = token_for(chat.world.reader)

    async def scenario():
        client = Client.with_token(token)
        await client.connect()
        await client.until("caught_up")
        await run_committed(do_post_message, chat.world.member, chat.private, "before")
        assert (await client.events(1))[0]["payload"]["message"]["body"] == "before"
        await run_committed(do_remove_member, chat.world.space_admin, chat.private,
                            chat.world.reader)
        await run_committed(do_post_message, chat.world.member, chat.private, "after")
        bodies = [f["payload"].get("message", {}).get("body") for f in await client.drain(0.5)
                  if f["type"] == "event"]
        assert "after" not in bodies
        await client.close()

    run(scenario)()


def test_typing_reaches_the_channel_only(chat):
    tokens = [token_for(chat.world.member), token_for(chat.world.reader),
              token_for(chat.world.outsider)]

    async def scenario():
        member, reader, outsider = (Client.with_token(t) for t in tokens)
        for client in (member, reader, outsider):
            await client.connect()
            await client.until("caught_up")
        await member.send({"type": "signal", "audience": f"chat.channel:{chat.private.pk}",
                           "signal": "typing"})
        typing = await reader.until("signal")
        assert typing["signal"] == "typing"
        assert typing["payload"]["user_id"] == chat.world.member.pk
        assert not [f for f in await outsider.drain(0.4) if f["type"] == "signal"
                    and f["signal"] == "typing"]
        await outsider.send({"type": "signal", "audience": f"chat.channel:{chat.private.pk}",
                             "signal": "typing"})
        assert (await outsider.until("error"))["code"] == "not_found"
        for client in (member, reader, outsider):
            await client.close()

    run(scenario)()
