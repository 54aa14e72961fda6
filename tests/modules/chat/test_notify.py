"""Who is notified of a message: the pure decision, do-not-disturb, and the events sent."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from atrium.modules.chat.actions import do_set_notify
from atrium.modules.chat.notify import Facts, Person, decide, in_do_not_disturb, reason_for
from tests.modules.chat.conftest import records
from tests.modules.chat.factories import make_message

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday, noon in London
AUTHOR = 1


def facts(**changes) -> Facts:
    base = {"author_id": AUTHOR, "direct": False, "in_main_flow": True, "is_reply": False}
    return Facts(**{**base, **changes})


@pytest.mark.parametrize(("message", "person", "want"), [
    # Direct conversations: every message, by default.
    (facts(direct=True), Person(2), "direct"),
    (facts(direct=True, in_main_flow=False, is_reply=True), Person(2), "direct"),
    (facts(direct=True), Person(2, level="mentions"), None),
    (facts(direct=True), Person(2, muted=True), None),
    (facts(direct=True, mentioned=frozenset({2})), Person(2, muted=True), "mention"),
    # Channels: mentions by default.
    (facts(), Person(2), None),
    (facts(mentioned=frozenset({2})), Person(2), "mention"),
    (facts(mentions_channel=True), Person(2), "channel_mention"),
    (facts(), Person(2, level="all"), "message"),
    (facts(in_main_flow=False, is_reply=True), Person(2, level="all"), None),
    (facts(in_main_flow=True, is_reply=True), Person(2, level="all"), "message"),
    # Nothing silences everything; muting silences all but a personal mention.
    (facts(mentioned=frozenset({2})), Person(2, level="nothing"), None),
    (facts(mentions_channel=True), Person(2, level="nothing"), None),
    (facts(mentions_channel=True), Person(2, muted=True), None),
    (facts(mentioned=frozenset({2})), Person(2, level="all", muted=True), "mention"),
    (facts(), Person(2, level="all", muted=True), None),
    # Thread participants hear of replies.
    (facts(in_main_flow=False, is_reply=True, participants=frozenset({2})), Person(2),
     "thread"),
    (facts(in_main_flow=False, is_reply=True, participants=frozenset({2})),
     Person(2, muted=True), None),
])
def test_reason_for(message, person, want):
    assert reason_for(message, person) == want


def test_decide_never_tells_the_author_the_deactivated_or_bots():
    message = facts(direct=True, mentioned=frozenset({AUTHOR, 2, 3, 4}))
    people = [Person(AUTHOR), Person(2), Person(3, active=False), Person(4, is_bot=True)]
    assert decide(message, people, NOW) == {2: "mention"}


def test_do_not_disturb_until_a_moment():
    assert in_do_not_disturb(Person(2, dnd_until=NOW + timedelta(minutes=1)), NOW)
    assert not in_do_not_disturb(Person(2, dnd_until=NOW - timedelta(minutes=1)), NOW)
    message = facts(direct=True)
    assert decide(message, [Person(2, dnd_until=NOW + timedelta(hours=1))], NOW) == {}


@pytest.mark.parametrize(("start", "end", "zone", "quiet"), [
    (time(11), time(13), "", True),                    # no zone: the server's (UTC here)
    (time(13), time(14), "", False),
    (time(12), time(12), "", False),                   # an empty range is no quiet hours
    (time(22), time(7), "Pacific/Auckland", True),     # 01:00 there, crossing midnight
    (time(22), time(7), "Europe/Paris", False),        # 13:00 there
    (time(12, 30), time(14), "Europe/Paris", True),    # 13:00 there
    (time(22), time(7), "America/Los_Angeles", True),  # 04:00 there
    (time(11), time(13), "Not/AZone", True),           # unknown zone: the server's
])
def test_quiet_hours_in_the_persons_time_zone(settings, start, end, zone, quiet):
    settings.TIME_ZONE = "UTC"
    person = Person(2, quiet_hours_start=start, quiet_hours_end=end, time_zone=zone)
    assert in_do_not_disturb(person, NOW) is quiet


@pytest.mark.django_db
def test_posting_sends_notify_events_to_the_right_people(chat, pushed):
    """Channel: the mentioned reader and the member at level "all"; never the author;
    direct: the other member; each to their own audience, ids only."""
    w = chat.world
    do_set_notify(w.space_admin, chat.private, level="all")
    with pushed.commit():
        message = make_message(w.member, chat.private, f"Hello <@{w.reader.pk}>")
    notified = {r.audience_id: r.payload["reason"] for r in records("chat.notify")}
    assert notified == {w.reader.pk: "mention", w.space_admin.pk: "message"}
    assert records("chat.notify")[0].payload == {
        "channel_id": chat.private.pk, "message_id": message.pk,
        "reason": records("chat.notify")[0].payload["reason"]}
    assert set(pushed.audiences("chat.notify")) == {f"user:{w.reader.pk}",
                                                    f"user:{w.space_admin.pk}"}
    before = len(records("chat.notify"))
    make_message(w.guest, chat.direct, "Hi")
    assert [(r.audience_id, r.payload["reason"]) for r in records("chat.notify")[before:]] \
        == [(w.member.pk, "direct")]


@pytest.mark.django_db
def test_channel_mentions_reach_members_who_may_read(chat):
    """@channel reaches every member who may still read, not the deactivated one, not
    those who left the space, not someone who muted the channel."""
    from atrium.kernel.actions.spaces import do_remove_member as leave_space

    w = chat.world
    leave_space(w.space_admin, chat.space, w.reader)  # still a channel row, no access
    do_set_notify(w.space_admin, chat.private, muted=True)
    make_message(w.member, chat.private, "@channel meeting")
    assert {r.audience_id for r in records("chat.notify")} == set()
    make_message(w.space_admin, chat.private, "<!here> now")
    assert {r.audience_id for r in records("chat.notify")} == {w.member.pk}


@pytest.mark.django_db
def test_mentioned_reader_who_did_not_join_is_notified(chat):
    w = chat.world
    make_message(w.member, chat.public, f"<@{w.reader.pk}> see this")
    assert [(r.audience_id, r.payload["reason"]) for r in records("chat.notify")] == [
        (w.reader.pk, "mention")]


@pytest.mark.django_db
def test_thread_replies_reach_participants(chat):
    w = chat.world
    root = make_message(w.member, chat.public, "Question")
    make_message(w.guest, chat.public, "Answer", thread_root=root)
    make_message(w.space_admin, chat.public, "Another", thread_root=root)
    reasons = [(r.audience_id, r.payload["reason"]) for r in records("chat.notify")]
    assert reasons == [(w.member.pk, "thread"), (w.member.pk, "thread"),
                       (w.guest.pk, "thread")]


@pytest.mark.django_db
def test_do_not_disturb_holds_back_notifications(chat):
    from django.utils import timezone

    w = chat.world
    w.member.dnd_until = timezone.now() + timedelta(hours=1)
    w.member.save(update_fields=["dnd_until"])
    make_message(w.guest, chat.direct, "Are you there?")
    assert records("chat.notify") == []
