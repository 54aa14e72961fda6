"""Live over the one websocket: notification.created reaches the recipient's sockets only,
and a person with an open socket (online) gets no immediate e-mail."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from atrium.notifications import notify
from atrium.notifications.actions import do_mark_all_read
from atrium.notifications.models import EmailState, Notification
from tests.factories import make_world
from tests.notifications.helpers import smtp_server  # noqa: F401  (fixture "smtp")
from tests.realtime.wsclient import Client, run_committed, token_for

run = async_to_sync


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch):
    """As in tests/realtime: keep the connection holding the test's transaction open."""
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)


@pytest.fixture
def world(db):
    return make_world()


def test_the_recipient_socket_gets_the_event_and_an_online_person_no_e_mail(world, smtp):
    """Member connected (online): live event with the unread count, no e-mail; the outsider's
    socket gets nothing; the offline reader gets the e-mail."""
    member_token, outsider_token = token_for(world.member), token_for(world.outsider)
    Notification.objects.filter(recipient=world.member).delete()

    async def scenario():
        member, outsider = Client.with_token(member_token), Client.with_token(outsider_token)
        for client in (member, outsider):
            await client.connect()
            await client.until("caught_up")
        await run_committed(notify, [world.member, world.reader, world.outsider],
                            kind="mention", key="live:1", space=world.space,
                            title="Live title", url="/s/cardiology/")
        [event] = await member.events(1)
        await run_committed(do_mark_all_read, world.member)
        [read] = await member.events(1)
        quiet = await outsider.nothing(0.4)
        await member.close()
        await outsider.close()
        return event, read, quiet

    event, read, quiet = run(scenario)()
    assert event["event"] == "notification.created" and event["audience"] == \
        f"user:{world.member.pk}"
    assert (event["payload"]["title"], event["payload"]["unread"]) == ("Live title", 1)
    assert read["event"] == "notification.read" and read["payload"]["unread"] == 0
    assert quiet
    states = dict(Notification.objects.filter(key="live:1")
                  .values_list("recipient_id", "email_state"))
    assert states == {world.member.pk: EmailState.DIGEST, world.reader.pk: EmailState.SENT}
    assert [m["To"] for m in smtp.messages] == [world.reader.email]
